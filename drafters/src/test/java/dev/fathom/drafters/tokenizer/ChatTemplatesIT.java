package dev.fathom.drafters.tokenizer;

import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Template choice for the real models in ../shared/models; the rules are in ChatTemplatesTest. */
class ChatTemplatesIT {

  @Test
  void theStoriesModelGetsLlama2() {
    assertSame(
        ChatTemplate.LLAMA2,
        ChatTemplates.choose(TestVocabularies.sharedModel(TestVocabularies.STORIES), null));
  }
}
