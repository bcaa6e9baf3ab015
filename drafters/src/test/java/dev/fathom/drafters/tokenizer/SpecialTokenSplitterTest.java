package dev.fathom.drafters.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecialTokenSplitterTest {
  @Test
  void prefersTheLongestSpecialAtEachPlace() {
    Map<String, Object> m = TestVocabularies.bpe("qwen2", List.of(), List.of());
    String[] tokens = (String[]) m.get("tokenizer.ggml.tokens");
    int[] types = (int[]) m.get("tokenizer.ggml.token_type");
    // Re-spell two byte tokens as the overlapping specials "<a>" and "<a>b".
    tokens[1] = "<a>";
    types[1] = 3;
    tokens[2] = "<a>b";
    types[2] = 4;
    var splitter = new SpecialTokenSplitter(Vocabulary.fromGguf(TestVocabularies.metadata(m)));
    assertEquals(
        List.of(
            new SpecialTokenSplitter.Text("x"),
            new SpecialTokenSplitter.Special(2),
            new SpecialTokenSplitter.Text("c"),
            new SpecialTokenSplitter.Special(1),
            new SpecialTokenSplitter.Special(1)),
        splitter.split("x<a>bc<a><a>"));
    assertEquals(List.of(), splitter.split(""));
  }
}
