package dev.fathom.drafters.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fathom.drafters.gguf.GgufMetadata;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatTemplatesTest {
  /** Shortened from the models' tokenizer_config.json. */
  private static final String LLAMA3_TEMPLATE =
      "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content ="
          + " '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+"
          + " message['content'] | trim + '<|eot_id|>' %}{{ content }}{% endfor %}";

  private static final String QWEN25_TEMPLATE =
      "{%- if messages[0]['role'] == 'system' %}{{- '<|im_start|>system\\n' +"
          + " messages[0]['content'] + '<|im_end|>\\n' }}{%- else %}{{- '<|im_start|>system\\nYou"
          + " are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}";

  private static final String LLAMA2_TEMPLATE =
      "{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' +"
          + " system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% endif %}{{ bos_token"
          + " + '[INST] ' + content.strip() + ' [/INST]' }}";

  private static final String MISTRAL_TEMPLATE =
      "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ '[INST] '"
          + " + message['content'] + ' [/INST]' }}{% endif %}{% endfor %}";

  private static GgufMetadata metadata(String architecture, String template, String... tokens) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("general.architecture", architecture);
    if (template != null) {
      m.put("tokenizer.chat_template", template);
    }
    if (tokens.length > 0) {
      m.put("tokenizer.ggml.tokens", tokens);
    }
    return new GgufMetadata("test", m);
  }

  @Test
  void detectsTheFamilyFromTheTemplateText() {
    assertSame(ChatTemplate.LLAMA3, ChatTemplates.choose(metadata("llama", LLAMA3_TEMPLATE), null));
    assertSame(ChatTemplate.QWEN, ChatTemplates.choose(metadata("qwen2", QWEN25_TEMPLATE), null));
    assertSame(ChatTemplate.LLAMA2, ChatTemplates.choose(metadata("llama", LLAMA2_TEMPLATE), null));
    assertSame(
        ChatTemplate.MISTRAL, ChatTemplates.choose(metadata("llama", MISTRAL_TEMPLATE), null));
  }

  @Test
  void onlyQwenGetsTheDefaultSystemPrompt() {
    String plainChatMl = "{% for m in messages %}{{'<|im_start|>' + m['role']}}{% endfor %}";
    assertSame(ChatTemplate.CHATML, ChatTemplates.choose(metadata("phi3", plainChatMl), null));
    assertSame(ChatTemplate.QWEN, ChatTemplates.choose(metadata("qwen2", null), null));
    String qwen2 = plainChatMl + "You are a helpful assistant.";
    assertEquals(
        new ChatMlTemplate("You are a helpful assistant."),
        ChatTemplates.choose(metadata("qwen2", qwen2), null));
  }

  @Test
  void fallsBackToVocabularyTokensThenArchitecture() {
    assertSame(
        ChatTemplate.LLAMA3,
        ChatTemplates.choose(metadata("llama", null, "a", "<|start_header_id|>"), null));
    assertSame(
        ChatTemplate.CHATML,
        ChatTemplates.choose(metadata("phi3", "{{ unknown }}", "<|im_start|>"), null));
    assertSame(ChatTemplate.QWEN, ChatTemplates.choose(metadata("qwen2", null, "a"), null));
    assertSame(ChatTemplate.LLAMA2, ChatTemplates.choose(metadata("llama", null, "a"), null));
  }

  @Test
  void anOverrideWins() {
    GgufMetadata llama3 = metadata("llama", LLAMA3_TEMPLATE);
    assertSame(ChatTemplate.MISTRAL, ChatTemplates.choose(llama3, "mistral"));
    assertSame(ChatTemplate.LLAMA2, ChatTemplates.choose(llama3, "LLAMA2"));
    assertSame(ChatTemplate.CHATML, ChatTemplates.choose(llama3, "chatml"));
    assertSame(ChatTemplate.LLAMA3, ChatTemplates.choose(metadata("qwen2", null), "llama3"));
  }

  @Test
  void rejectsUnknownNamesAndUnplaceableModels() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ChatTemplates.choose(metadata("llama", null), "vicuna"));
    assertEquals(
        "unknown chat template 'vicuna'; known are llama3, chatml, llama2, mistral",
        e.getMessage());
    var e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> ChatTemplates.choose(metadata("gemma", null), null));
    assertEquals(
        "cannot tell the chat template of architecture 'gemma' (no recognised"
            + " tokenizer.chat_template or special tokens); name one of llama3, chatml, llama2,"
            + " mistral",
        e2.getMessage());
  }

  @Test
  void renderedChatsEncodeWithTheirSpecialTokens() {
    var t =
        Tokenizers.fromGguf(
            TestVocabularies.metadata(TestVocabularies.bpe("qwen2", List.of(), List.of())));
    int[] ids =
        t.encodeWithSpecialTokens(ChatTemplate.CHATML.render(List.of(ChatMessage.user("x")), true));
    int start = ((ByteBpeTokenizer) t).vocabulary().id("<|im_start|>");
    assertEquals(start, ids[0]);
    assertEquals(2, java.util.Arrays.stream(ids).filter(i -> i == start).count());
  }
}
