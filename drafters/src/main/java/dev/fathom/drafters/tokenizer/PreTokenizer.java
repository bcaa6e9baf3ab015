package dev.fathom.drafters.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The regular expression that cuts text into words before byte-level BPE, chosen by {@code
 * tokenizer.ggml.pre}. Patterns are those of llama.cpp's {@code llm_tokenizer_bpe} (from each
 * model's {@code tokenizer.json}); {@link Pattern#UNICODE_CHARACTER_CLASS} makes {@code \s} mean
 * Unicode white space, as in the Rust and Python originals.
 */
public enum PreTokenizer {
  /** Llama 3: letters with one leading non-letter, digits in groups of up to three. */
  LLAMA3(
      "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
          + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
          + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
  /** Qwen2 / Qwen2.5: Llama 3's pattern with single digits. */
  QWEN2(
      "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
          + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
          + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
  /** GPT-2's original (openai/gpt-2 {@code encoder.py}). */
  GPT2("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

  private static final Logger LOG = LoggerFactory.getLogger(PreTokenizer.class);

  private final Pattern pattern;

  PreTokenizer(String regex) {
    this.pattern = Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
  }

  /**
   * The pre-tokeniser for a {@code tokenizer.ggml.pre} value; an unknown value gets GPT-2's
   * pattern, with a warning naming it, because the merges still work on any split, only less
   * faithfully.
   */
  public static PreTokenizer forName(String pre) {
    return switch (pre) {
      case "llama-bpe", "llama3" -> LLAMA3;
      case "qwen2" -> QWEN2;
      case "gpt2", "default" -> GPT2;
      default -> {
        LOG.warn(
            "tokenizer.ggml.pre '{}' is not one of llama-bpe, llama3, qwen2, gpt2, default;"
                + " splitting words with GPT-2's pattern, which may tokenise differently",
            pre);
        yield GPT2;
      }
    };
  }

  /** Cuts {@code text} into words; concatenated, they give {@code text} back. */
  public List<String> split(String text) {
    List<String> words = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    int last = 0;
    while (m.find()) {
      if (m.start() > last) {
        words.add(text.substring(last, m.start())); // nothing should fall between, but keep it
      }
      if (m.end() > m.start()) {
        words.add(m.group());
      }
      last = m.end();
    }
    if (last < text.length()) {
      words.add(text.substring(last));
    }
    return words;
  }
}
