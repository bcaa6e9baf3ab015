package dev.fathom.retrieval.testing;

import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.drafters.tokenizer.ChatMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * A language model whose chat replies a test scripts (the rankers, the rewriter and the summarizer
 * chat; none of them completes plain text); records every conversation it was sent and streams each
 * reply whole to the listener.
 */
public final class ScriptedChatModel implements LanguageModel {
  public final List<List<ChatMessage>> chats = Collections.synchronizedList(new ArrayList<>());
  private final Function<List<ChatMessage>, String> reply;
  private final int context;

  /** Replies {@code reply} to every chat, with a 4,096-token context. */
  public ScriptedChatModel(String reply) {
    this(4096, messages -> reply);
  }

  /** Replies what {@code reply} computes from the conversation, with {@code context} tokens. */
  public ScriptedChatModel(int context, Function<List<ChatMessage>, String> reply) {
    this.context = context;
    this.reply = reply;
  }

  @Override
  public String name() {
    return "scripted";
  }

  @Override
  public int contextLength() {
    return context;
  }

  @Override
  public Generation complete(String prompt, GenerationSettings settings, TokenListener listener) {
    throw new UnsupportedOperationException("the scripted model only chats");
  }

  @Override
  public Generation chat(
      List<ChatMessage> messages, GenerationSettings settings, TokenListener listener) {
    chats.add(List.copyOf(messages));
    String text = reply.apply(messages);
    listener.onText(text);
    return new Generation(
        text, new int[0], new int[0], Generation.StopReason.EOS, 10, 1_000_000, 2_000_000);
  }

  @Override
  public void close() {}
}
