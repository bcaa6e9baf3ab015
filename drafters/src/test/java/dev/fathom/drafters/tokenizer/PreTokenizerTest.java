package dev.fathom.drafters.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PreTokenizerTest {
  @Test
  void llama3GroupsDigitsInThrees() {
    assertEquals(List.of("123", "456", "7"), PreTokenizer.LLAMA3.split("1234567"));
    assertEquals(List.of("x", " ", "100", "0"), PreTokenizer.LLAMA3.split("x 1000"));
  }

  @Test
  void qwen2SplitsEveryDigit() {
    assertEquals(List.of("1", "2", "3", "4"), PreTokenizer.QWEN2.split("1234"));
  }

  @Test
  void gpt2KeepsDigitRunsWithTheirSpace() {
    assertEquals(List.of("x", " 1000"), PreTokenizer.GPT2.split("x 1000"));
  }

  @Test
  void llama3ContractionsIgnoreCaseButGpt2sDoNot() {
    assertEquals(List.of("I", "'M", " here", "'s"), PreTokenizer.LLAMA3.split("I'M here's"));
    assertEquals(List.of("I", "'", "M", " here", "'s"), PreTokenizer.GPT2.split("I'M here's"));
  }

  @Test
  void llama3KeepsNewlinesApartAndLetsPunctuationLeadAWord() {
    assertEquals(List.of("a", "\n\n", "b"), PreTokenizer.LLAMA3.split("a\n\nb"));
    // Punctuation takes the line breaks after it.
    assertEquals(List.of("Hi", ",\n", "(there", ")"), PreTokenizer.LLAMA3.split("Hi,\n(there)"));
    assertEquals(List.of("end", ".\n"), PreTokenizer.LLAMA3.split("end.\n"));
  }

  @Test
  void whitespaceBeforeAWordLeavesItsLastSpaceToTheWord() {
    // \s+(?!\S) backtracks by one so the following word keeps its space.
    assertEquals(List.of("hello", "  ", " world"), PreTokenizer.LLAMA3.split("hello   world"));
    assertEquals(List.of(" ", " leading"), PreTokenizer.LLAMA3.split("  leading"));
    assertEquals(List.of("tail", "  "), PreTokenizer.QWEN2.split("tail  "));
    assertEquals(List.of("hello", "  ", " world"), PreTokenizer.GPT2.split("hello   world"));
  }

  @Test
  void treatsUnicodeLettersAndSpacesAsSuch() {
    assertEquals(List.of("日本語", " テキスト"), PreTokenizer.LLAMA3.split("日本語 テキスト"));
    // U+3000, the ideographic space, is white space only under Unicode rules.
    // ASCII \s would leave "\u3000\u3000" to the punctuation rule instead.
    assertEquals(List.of("a", "\u3000", "\u3000b"), PreTokenizer.QWEN2.split("a\u3000\u3000b"));
  }

  @Test
  void choosesByPreNameAndFallsBackToGpt2() {
    assertEquals(PreTokenizer.LLAMA3, PreTokenizer.forName("llama-bpe"));
    assertEquals(PreTokenizer.LLAMA3, PreTokenizer.forName("llama3"));
    assertEquals(PreTokenizer.QWEN2, PreTokenizer.forName("qwen2"));
    assertEquals(PreTokenizer.GPT2, PreTokenizer.forName("default"));
    assertEquals(PreTokenizer.GPT2, PreTokenizer.forName("no-such-pre"));
  }

  @Test
  void splitsCoverTheWholeText() {
    String text = "Mixed: 42 cats' toys\r\n\tand   émojis 🙂🙂 — done!  ";
    for (PreTokenizer p : PreTokenizer.values()) {
      assertEquals(text, String.join("", p.split(text)), p.name());
    }
  }
}
