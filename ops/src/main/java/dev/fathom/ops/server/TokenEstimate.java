package dev.fathom.ops.server;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Token counts where no tokenizer ran: the extractive answerer composes text without a model, yet
 * the OpenAI API reports {@code usage} and {@code max_tokens} in tokens. Here a token is a word, a
 * number or one punctuation mark, close to what subword tokenizers give for English prose (they
 * split rare words further, so real counts run somewhat higher). Answers written by a language
 * model report the model's own counts instead.
 */
final class TokenEstimate {

  private static final Pattern TOKEN =
      Pattern.compile(
          "[\\p{L}\\p{M}][\\p{L}\\p{M}\\p{N}'’]*|\\p{N}+(?:[.,]\\p{N}+)*|[^\\s\\p{L}\\p{N}]");

  private TokenEstimate() {}

  static int count(String text) {
    Matcher m = TOKEN.matcher(text);
    int n = 0;
    while (m.find()) n++;
    return n;
  }

  /**
   * Where {@code text} is cut to keep {@code max} tokens: the end of its {@code max}-th token, or
   * -1 when it has no more than {@code max}.
   */
  static int cut(String text, int max) {
    Matcher m = TOKEN.matcher(text);
    int n = 0;
    int end = -1;
    while (m.find()) {
      if (++n == max) end = m.end();
      if (n > max) return end;
    }
    return -1;
  }
}
