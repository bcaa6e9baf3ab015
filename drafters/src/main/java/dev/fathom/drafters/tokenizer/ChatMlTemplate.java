package dev.fathom.drafters.tokenizer;

import java.util.List;

/**
 * ChatML (Qwen2, Qwen2.5 and others): {@code <|im_start|>role\ncontent<|im_end|>\n} per message.
 *
 * <p>Qwen's own templates open with a system message when the conversation has none; {@code
 * defaultSystemPrompt} (null for none) reproduces that — {@link ChatTemplates} sets it only for
 * Qwen models, since other ChatML models have no such default.
 */
record ChatMlTemplate(String defaultSystemPrompt) implements ChatTemplate {
  /** The system prompt Qwen2.5-Instruct's template inserts. */
  static final String QWEN25_SYSTEM_PROMPT =
      "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

  /** The one Qwen2-Instruct's template inserts. */
  static final String QWEN2_SYSTEM_PROMPT = "You are a helpful assistant.";

  @Override
  public String name() {
    return "chatml";
  }

  @Override
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    StringBuilder out = new StringBuilder();
    boolean hasSystem = !messages.isEmpty() && messages.get(0).role().equals("system");
    if (!hasSystem && defaultSystemPrompt != null) {
      turn(out, "system", defaultSystemPrompt);
    }
    for (ChatMessage m : messages) {
      turn(out, m.role(), m.content());
    }
    if (addGenerationPrompt) {
      out.append("<|im_start|>assistant\n");
    }
    return out.toString();
  }

  private static void turn(StringBuilder out, String role, String content) {
    out.append("<|im_start|>").append(role).append('\n').append(content).append("<|im_end|>\n");
  }

  @Override
  public List<String> stopStrings() {
    return List.of("<|im_end|>");
  }
}
