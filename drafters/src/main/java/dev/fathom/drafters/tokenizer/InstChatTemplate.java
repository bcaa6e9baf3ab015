package dev.fathom.drafters.tokenizer;

import java.util.List;

/**
 * The {@code [INST]} formats of Llama 2 chat and Mistral instruct.
 *
 * <p>Llama 2 (meta-llama/Llama-2-7b-chat-hf {@code tokenizer_config.json}, after Meta's {@code
 * chat_completion}): {@code <s>[INST] <<SYS>>\nsystem\n<</SYS>>\n\nuser [/INST] answer
 * </s><s>[INST] next [/INST]}, contents stripped. Mistral (its documented format): {@code <s>[INST]
 * user [/INST] answer</s>[INST] next [/INST]}, a system prompt put before the first user message
 * followed by a blank line. Both require user and assistant turns to alternate, starting with the
 * user, and allow a system message only first. The leading {@code <s>} is left to the engine.
 */
record InstChatTemplate(boolean systemBlock) implements ChatTemplate {
  @Override
  public String name() {
    return systemBlock ? "llama2" : "mistral";
  }

  @Override
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    String system = null;
    List<ChatMessage> turns = messages;
    if (!messages.isEmpty() && messages.get(0).role().equals("system")) {
      system = messages.get(0).content();
      turns = messages.subList(1, messages.size());
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < turns.size(); i++) {
      ChatMessage m = turns.get(i);
      String expected = i % 2 == 0 ? "user" : "assistant";
      if (!m.role().equals(expected)) {
        throw new IllegalArgumentException(
            name()
                + " chats alternate user and assistant turns after an optional first system"
                + " message; message "
                + (messages.size() - turns.size() + i)
                + " is '"
                + m.role()
                + "' where '"
                + expected
                + "' belongs");
      }
      if (m.role().equals("user")) {
        String content = m.content();
        if (i == 0 && system != null) {
          content =
              systemBlock
                  ? "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + content
                  : system + "\n\n" + content;
        }
        if (i > 0 && systemBlock) {
          out.append("<s>"); // Llama 2 opens every turn after the first with BOS
        }
        out.append("[INST] ").append(content.strip()).append(" [/INST]");
      } else {
        out.append(' ').append(m.content().strip()).append(systemBlock ? " </s>" : "</s>");
      }
    }
    // The prompt already ends with [/INST] where the answer goes: no extra generation prompt.
    return out.toString();
  }

  @Override
  public List<String> stopStrings() {
    return List.of("</s>", "[INST]");
  }
}
