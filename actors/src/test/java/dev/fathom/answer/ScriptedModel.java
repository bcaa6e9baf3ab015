package dev.fathom.answer;

import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.drafters.tokenizer.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/** A language model that writes a fixed reply, word by word, and records what it was asked. */
final class ScriptedModel implements LanguageModel {
  final String reply;
  final List<List<ChatMessage>> chats = new ArrayList<>();

  ScriptedModel(String reply) {
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
    chats.add(messages);
    for (String piece : reply.split("(?<= )")) listener.onText(piece);
    return new Generation(
        reply, new int[0], new int[0], Generation.StopReason.EOS, 10, 1_000_000, 2_000_000);
  }

  @Override
  public void close() {}
}
