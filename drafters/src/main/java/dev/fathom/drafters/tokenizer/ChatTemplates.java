package dev.fathom.drafters.tokenizer;

import dev.fathom.drafters.gguf.GgufMetadata;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Chooses the {@link ChatTemplate} for a model. */
public final class ChatTemplates {
  /** The names {@link #choose} accepts as an override. */
  public static final String NAMES = "llama3, chatml, llama2, mistral";

  private ChatTemplates() {}

  /**
   * The template named by {@code overrideOrNull}, else the one the model's GGUF metadata points to,
   * tried in this order: the markers in {@code tokenizer.chat_template} ({@code
   * <|start_header_id|>} → llama3, {@code <|im_start|>} → chatml, {@code [INST]} → llama2 with
   * {@code <<SYS>>}, mistral without), then the same markers among the vocabulary's tokens, then
   * {@code general.architecture} ({@code qwen2} → chatml, {@code llama} → llama2). A ChatML model
   * that is a Qwen gets Qwen's default system prompt (see {@link ChatMlTemplate}).
   *
   * @throws IllegalArgumentException for an unknown override, or a model none of this places
   */
  public static ChatTemplate choose(GgufMetadata metadata, String overrideOrNull) {
    if (overrideOrNull != null) {
      return switch (overrideOrNull.trim().toLowerCase(Locale.ROOT)) {
        case "llama3" -> ChatTemplate.LLAMA3;
        case "chatml" -> chatMl(metadata);
        case "llama2" -> ChatTemplate.LLAMA2;
        case "mistral" -> ChatTemplate.MISTRAL;
        default ->
            throw new IllegalArgumentException(
                "unknown chat template '" + overrideOrNull + "'; known are " + NAMES);
      };
    }
    Optional<String> text = metadata.findString("tokenizer.chat_template");
    if (text.isPresent()) {
      Optional<ChatTemplate> fromText = fromTemplateText(text.get(), metadata);
      if (fromText.isPresent()) {
        return fromText.get();
      }
    }
    if (metadata.contains("tokenizer.ggml.tokens")) {
      String[] tokens = metadata.getStringArray("tokenizer.ggml.tokens");
      if (Arrays.asList(tokens).contains("<|start_header_id|>")) {
        return ChatTemplate.LLAMA3;
      }
      if (Arrays.asList(tokens).contains("<|im_start|>")) {
        return chatMl(metadata);
      }
    }
    String architecture = metadata.findString("general.architecture").orElse("(none)");
    return switch (architecture) {
      case "qwen2" -> chatMl(metadata);
      case "llama" -> ChatTemplate.LLAMA2;
      default ->
          throw new IllegalArgumentException(
              "cannot tell the chat template of architecture '"
                  + architecture
                  + "' (no recognised tokenizer.chat_template or special tokens); name one of "
                  + NAMES);
    };
  }

  /** The family whose markers {@code template} (a Jinja chat template) contains, if any. */
  static Optional<ChatTemplate> fromTemplateText(String template, GgufMetadata metadata) {
    if (template.contains("<|start_header_id|>")) {
      return Optional.of(ChatTemplate.LLAMA3);
    }
    if (template.contains("<|im_start|>")) {
      return Optional.of(chatMl(metadata));
    }
    if (template.contains("[INST]")) {
      return Optional.of(template.contains("<<SYS>>") ? ChatTemplate.LLAMA2 : ChatTemplate.MISTRAL);
    }
    return Optional.empty();
  }

  /**
   * ChatML, with the default system prompt of the Qwen generation this is: Qwen2.5's when its
   * template says so or there is no template to tell, Qwen2's when the template carries that one.
   */
  private static ChatTemplate chatMl(GgufMetadata metadata) {
    String template = metadata.findString("tokenizer.chat_template").orElse("");
    boolean qwen = metadata.findString("general.architecture").orElse("").startsWith("qwen2");
    if (template.contains(ChatMlTemplate.QWEN25_SYSTEM_PROMPT)) {
      return ChatTemplate.QWEN;
    }
    if (qwen && template.isEmpty()) {
      return ChatTemplate.QWEN;
    }
    if (qwen && template.contains(ChatMlTemplate.QWEN2_SYSTEM_PROMPT)) {
      return new ChatMlTemplate(ChatMlTemplate.QWEN2_SYSTEM_PROMPT);
    }
    return ChatTemplate.CHATML;
  }
}
