package dev.fathom.behaviors.testing;

import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.drafters.tokenizer.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A language model whose replies a test scripts: a function from the prompt (chat messages joined
 * by blank lines) to the reply. Tokens are whitespace-separated words. Records every prompt.
 */
public final class ScriptedLanguageModel implements LanguageModel {

  private final Function<String, String> replies;
  private final int contextLength;
  public final List<String> prompts = new ArrayList<>();

  public ScriptedLanguageModel(Function<String, String> replies) {
    this(replies, 8192);
  }

  public ScriptedLanguageModel(Function<String, String> replies, int contextLength) {
    this.replies = replies;
    this.contextLength = contextLength;
  }

  /** Words of {@code text}, the scripted model's token count. */
  public static int words(String text) {
    String t = text.strip();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }

  @Override
  public String name() {
    return "scripted";
  }

  @Override
  public int contextLength() {
    return contextLength;
  }

  @Override
  public synchronized Generation complete(
      String prompt, GenerationSettings settings, TokenListener listener) {
    prompts.add(prompt);
    String reply = replies.apply(prompt);
    listener.onText(reply);
    return new Generation(
        reply,
        new int[words(prompt)],
        new int[words(reply)],
        Generation.StopReason.EOS,
        words(prompt),
        0,
        0);
  }

  @Override
  public Generation chat(
      List<ChatMessage> messages, GenerationSettings settings, TokenListener listener) {
    return complete(
        messages.stream().map(ChatMessage::content).collect(Collectors.joining("\n\n")),
        settings,
        listener);
  }

  @Override
  public void close() {}
}
