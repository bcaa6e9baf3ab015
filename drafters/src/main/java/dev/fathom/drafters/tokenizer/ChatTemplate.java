package dev.fathom.drafters.tokenizer;

import java.util.List;

/**
 * How a chat model expects a conversation spelled. The families here are written out in Java rather
 * than by running the Jinja template a GGUF file carries ({@code tokenizer.chat_template}); {@link
 * ChatTemplates#choose} picks one.
 *
 * <p>{@link #render} leaves out the leading BOS (the engine adds it when {@link Tokenizer#addBos}
 * says so) but keeps every other special token's spelling, so the result is to be encoded with
 * {@link Tokenizer#encodeWithSpecialTokens}.
 */
public sealed interface ChatTemplate permits Llama3ChatTemplate, ChatMlTemplate, InstChatTemplate {
  /** Llama 3 / 3.1 / 3.2 instruct. */
  ChatTemplate LLAMA3 = new Llama3ChatTemplate();

  /** ChatML without a default system prompt. */
  ChatTemplate CHATML = new ChatMlTemplate(null);

  /** ChatML as Qwen2.5's template writes it: its own system prompt when the chat has none. */
  ChatTemplate QWEN = new ChatMlTemplate(ChatMlTemplate.QWEN25_SYSTEM_PROMPT);

  /** Llama 2 chat: {@code [INST]} turns, the system prompt in {@code <<SYS>>}. */
  ChatTemplate LLAMA2 = new InstChatTemplate(true);

  /** Mistral instruct: {@code [INST]} turns, the system prompt before the first user message. */
  ChatTemplate MISTRAL = new InstChatTemplate(false);

  /** The family's name: {@code llama3}, {@code chatml}, {@code llama2} or {@code mistral}. */
  String name();

  /**
   * The conversation as the model's prompt text, without the leading BOS.
   *
   * @param addGenerationPrompt append the header that opens the assistant's turn
   */
  String render(List<ChatMessage> messages, boolean addGenerationPrompt);

  /** Text that ends the assistant's turn, for when the model spells it out instead of a token. */
  List<String> stopStrings();
}
