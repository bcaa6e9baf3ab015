package dev.fathom.drafters.lm;

import dev.fathom.drafters.tokenizer.ChatMessage;
import java.util.List;

/**
 * A model Fathom can generate with: the in-JVM engine over a GGUF file, or a client of an
 * OpenAI-compatible server (vLLM, llama.cpp server, Ollama).
 *
 * <p>Implementations are safe to call from one thread at a time; callers serialise requests.
 */
public interface LanguageModel extends AutoCloseable {
  /** A short name for logs and {@code --json} output (file name or server model id). */
  String name();

  /** Tokens of context the model accepts (prompt plus generated). */
  int contextLength();

  /** Continues {@code prompt} as plain text (no chat template). */
  Generation complete(String prompt, GenerationSettings settings, TokenListener listener);

  /** Answers a conversation, formatted with the model's chat template. */
  Generation chat(List<ChatMessage> messages, GenerationSettings settings, TokenListener listener);

  @Override
  void close();
}
