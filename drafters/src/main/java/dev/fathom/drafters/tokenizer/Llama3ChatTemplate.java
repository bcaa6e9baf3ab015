package dev.fathom.drafters.tokenizer;

import java.util.List;

/**
 * Llama 3's format (meta-llama/Llama-3.2-1B-Instruct {@code tokenizer_config.json}): each message
 * is {@code <|start_header_id|>role<|end_header_id|>\n\n} + content, trimmed as the template's
 * {@code | trim} does, + {@code <|eot_id|>}. Llama 3.1's "Cutting Knowledge Date" system preamble
 * and tool calls are not written.
 */
record Llama3ChatTemplate() implements ChatTemplate {
  @Override
  public String name() {
    return "llama3";
  }

  @Override
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    StringBuilder out = new StringBuilder();
    for (ChatMessage m : messages) {
      header(out, m.role()).append(m.content().strip()).append("<|eot_id|>");
    }
    if (addGenerationPrompt) {
      header(out, "assistant");
    }
    return out.toString();
  }

  private static StringBuilder header(StringBuilder out, String role) {
    return out.append("<|start_header_id|>").append(role).append("<|end_header_id|>\n\n");
  }

  @Override
  public List<String> stopStrings() {
    return List.of("<|eot_id|>");
  }
}
