package dev.fathom.answer;

import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.drafters.tokenizer.ChatMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A language model that writes a fixed reply, word by word, and records what it was asked. Like
 * every {@link LanguageModel} it serves one call at a time: a concurrent call fails, so a test
 * notices a caller that does not serialise.
 */
public final class ScriptedModel implements LanguageModel {
  final String reply;
  public final List<List<ChatMessage>> chats = Collections.synchronizedList(new ArrayList<>());
  private final AtomicBoolean busy = new AtomicBoolean();

  public ScriptedModel(String reply) {
    this.reply = reply;
  }

  @Override
  public String name() {
    return "scripted";
  }

  @Override
  public int contextLength() {
    return 4096;
  }

  @Override
  public Generation complete(String prompt, GenerationSettings settings, TokenListener listener) {
    throw new UnsupportedOperationException("the answerer chats");
  }

  @Override
  public Generation chat(
      List<ChatMessage> messages, GenerationSettings settings, TokenListener listener) {
    if (!busy.compareAndSet(false, true)) {
      throw new IllegalStateException("the model was called while it was generating");
    }
    try {
      chats.add(messages);
      for (String piece : reply.split("(?<= )")) {
        listener.onText(piece);
        Thread.onSpinWait(); // widen the window a concurrent caller would hit
      }
    } finally {
      busy.set(false);
    }
    return new Generation(
        reply, new int[0], new int[0], Generation.StopReason.EOS, 10, 1_000_000, 2_000_000);
  }

  @Override
  public void close() {}
}
