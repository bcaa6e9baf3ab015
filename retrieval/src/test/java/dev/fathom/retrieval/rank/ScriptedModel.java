package dev.fathom.retrieval.rank;

import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.drafters.tokenizer.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** A language model whose chat replies a test scripts; records every conversation it was sent. */
final class ScriptedModel implements LanguageModel {
  final List<List<ChatMessage>> calls = new ArrayList<>();
  private final Function<List<ChatMessage>, String> reply;
  private final int context;

  ScriptedModel(int context, Function<List<ChatMessage>, String> reply) {
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
    throw new UnsupportedOperationException("the listwise ranker chats");
  }

  @Override
  public Generation chat(
      List<ChatMessage> messages, GenerationSettings settings, TokenListener listener) {
    calls.add(List.copyOf(messages));
    String text = reply.apply(messages);
    return new Generation(text, new int[0], new int[0], Generation.StopReason.EOS, 0, 0, 0);
  }

  @Override
  public void close() {}
}
