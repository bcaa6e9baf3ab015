package dev.fathom.retrieval.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceSplitterTest {

  private static List<String> sentences(String text) {
    return SentenceSplitter.split(text).stream().map(s -> s.of(text)).toList();
  }

  @Test
  void splitsOnSentencePunctuation() {
    assertEquals(
        List.of("Hello world.", "Is it late?", "Yes!"), sentences("Hello world. Is it late? Yes!"));
  }

  @Test
  void abbreviationsDoNotEndASentence() {
    assertEquals(
        List.of("Use a filter, e.g. Bloom or Cuckoo.", "See Dr. Smith, i.e. the author."),
        sentences("Use a filter, e.g. Bloom or Cuckoo. See Dr. Smith, i.e. the author."));
    assertEquals(List.of("(cf. Fig. 3) Shows it."), sentences("(cf. Fig. 3) Shows it."));
  }

  @Test
  void initialsDoNotEndASentence() {
    assertEquals(
        List.of("J. R. R. Tolkien wrote it.", "Done."),
        sentences("J. R. R. Tolkien wrote it. Done."));
  }

  @Test
  void pronounIEndsASentence() {
    assertEquals(List.of("So did I.", "Then we left."), sentences("So did I. Then we left."));
  }

  @Test
  void markdownHeadingEndsAtItsLineEvenWithoutABlankLine() {
    assertEquals(
        List.of("# Title", "Some text here.", "## Part two", "More."),
        sentences("# Title\nSome text here.\n## Part two\nMore."));
  }

  @Test
  void markdownListItemsAreSeparateSentences() {
    assertEquals(
        List.of("Steps:", "- install it", "* run it", "+ done"),
        sentences("Steps:\n- install it\n* run it\n+ done"));
  }

  @Test
  void blankLineEndsAParagraphWithoutPunctuation() {
    assertEquals(
        List.of("Heading without stop", "Body text."),
        sentences("Heading without stop\n\n  \nBody text."));
  }

  @Test
  void singleNewlineInsideAParagraphDoesNotSplit() {
    assertEquals(
        List.of("A sentence wrapped\nacross two lines."),
        sentences("A sentence wrapped\nacross two lines."));
  }

  @Test
  void spansAreTrimmedOfSurroundingWhitespace() {
    String text = "   Hello there.    Next one.\t\n";
    List<TextSpan> spans = SentenceSplitter.split(text);
    assertEquals(List.of(new TextSpan(3, 15), new TextSpan(19, 28)), spans);
    for (TextSpan s : spans) {
      assertFalse(Character.isWhitespace(text.charAt(s.start())));
      assertFalse(Character.isWhitespace(text.charAt(s.end() - 1)));
    }
  }

  @Test
  void emptyAndBlankTextHaveNoSentences() {
    assertTrue(SentenceSplitter.split("").isEmpty());
    assertTrue(SentenceSplitter.split(" \n\t\n ").isEmpty());
  }

  @Test
  void textWithoutPunctuationIsOneSentence() {
    assertEquals(List.of("no punctuation at all"), sentences("  no punctuation at all  "));
  }

  @Test
  void aPeriodInsideATokenDoesNotEndASentence() {
    String text =
        "The default is `./fathom-data` relative to the working directory. Version 1.2 ships it.";
    List<TextSpan> spans = SentenceSplitter.split(text);
    assertEquals(2, spans.size(), spans.toString());
    assertEquals(
        "The default is `./fathom-data` relative to the working directory.", spans.get(0).of(text));
  }
}
