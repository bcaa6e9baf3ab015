package dev.fathom.drafters.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {
  private static final List<ChatMessage> CHAT =
      List.of(
          ChatMessage.system("Be brief."),
          ChatMessage.user("Hi"),
          ChatMessage.assistant("Hello."),
          ChatMessage.user("Name a colour."));

  @Test
  void rendersLlama3() {
    assertEquals(
        "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nName a colour.<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n",
        ChatTemplate.LLAMA3.render(CHAT, true));
    assertEquals(
        "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
        ChatTemplate.LLAMA3.render(List.of(ChatMessage.user("  Hi \n")), false));
  }

  @Test
  void rendersChatMl() {
    assertEquals(
        "<|im_start|>system\nBe brief.<|im_end|>\n"
            + "<|im_start|>user\nHi<|im_end|>\n"
            + "<|im_start|>assistant\nHello.<|im_end|>\n"
            + "<|im_start|>user\nName a colour.<|im_end|>\n"
            + "<|im_start|>assistant\n",
        ChatTemplate.CHATML.render(CHAT, true));
    assertEquals(
        "<|im_start|>user\nHi<|im_end|>\n",
        ChatTemplate.CHATML.render(List.of(ChatMessage.user("Hi")), false));
  }

  @Test
  void qwenAddsItsDefaultSystemPromptOnlyWhenThereIsNone() {
    assertEquals(
        "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant."
            + "<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
        ChatTemplate.QWEN.render(List.of(ChatMessage.user("Hi")), true));
    assertEquals(ChatTemplate.CHATML.render(CHAT, true), ChatTemplate.QWEN.render(CHAT, true));
  }

  @Test
  void rendersLlama2() {
    assertEquals(
        "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello. </s><s>[INST] Name a colour. [/INST]",
        ChatTemplate.LLAMA2.render(CHAT, true));
    assertEquals(
        "[INST] Hi [/INST]", ChatTemplate.LLAMA2.render(List.of(ChatMessage.user("Hi")), true));
  }

  @Test
  void rendersMistral() {
    assertEquals(
        "[INST] Be brief.\n\nHi [/INST] Hello.</s>[INST] Name a colour. [/INST]",
        ChatTemplate.MISTRAL.render(CHAT, true));
  }

  @Test
  void instFormatsRequireAlternatingTurns() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ChatTemplate.LLAMA2.render(
                    List.of(ChatMessage.system("s"), ChatMessage.assistant("a")), true));
    assertEquals(
        "llama2 chats alternate user and assistant turns after an optional first system message;"
            + " message 1 is 'assistant' where 'user' belongs",
        e.getMessage());
  }

  @Test
  void reportsStopStrings() {
    assertEquals(List.of("<|eot_id|>"), ChatTemplate.LLAMA3.stopStrings());
    assertEquals(List.of("<|im_end|>"), ChatTemplate.QWEN.stopStrings());
    assertEquals(List.of("</s>", "[INST]"), ChatTemplate.MISTRAL.stopStrings());
  }
}
