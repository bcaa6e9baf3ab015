package dev.fathom.drafters.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamingDecoderTest {
  private static SentencePieceTokenizer small() {
    return new SentencePieceTokenizer(
        Vocabulary.fromGguf(TestVocabularies.metadata(TestVocabularies.smallSpm())));
  }

  private static List<String> feed(StreamingDecoder d, int... ids) {
    List<String> out = new ArrayList<>();
    for (int id : ids) {
      out.add(d.accept(id));
    }
    return out;
  }

  @Test
  void holdsBackAnUnfinishedCharacterUntilItCompletes() {
    SentencePieceTokenizer t = small();
    Vocabulary v = t.vocabulary();
    int[] emoji = {v.id("<0xF0>"), v.id("<0x9F>"), v.id("<0x98>"), v.id("<0x80>")};
    StreamingDecoder d = new StreamingDecoder(t, false);
    assertEquals(List.of("", "", "", "😀"), feed(d, emoji));
    assertEquals("", d.flush());
  }

  @Test
  void flushesAnUnfinishedCharacterAsAReplacement() {
    SentencePieceTokenizer t = small();
    StreamingDecoder d = new StreamingDecoder(t, false);
    assertEquals("", d.accept(t.vocabulary().id("<0xE4>")));
    assertEquals("\uFFFD", d.flush());
  }

  @Test
  void skipsSpecialTokens() {
    SentencePieceTokenizer t = small();
    Vocabulary v = t.vocabulary();
    StreamingDecoder d = new StreamingDecoder(t, false);
    assertEquals(List.of("", " a", "b", ""), feed(d, t.bos(), v.id("\u2581a"), v.id("b"), t.eos()));
  }

  @Test
  void dropsThePrefixSpaceOnlyRightAfterBos() {
    SentencePieceTokenizer t = small();
    Vocabulary v = t.vocabulary();
    int[] ids = {v.id("\u2581a"), v.id("\u2581a")};
    assertEquals(List.of("a", " a"), feed(new StreamingDecoder(t, true), ids));
    assertEquals(List.of(" a", " a"), feed(new StreamingDecoder(t, false), ids));
  }

  @Test
  void findsTheCompletePrefixOfUtf8() {
    byte[] euro = "€".getBytes(java.nio.charset.StandardCharsets.UTF_8); // E2 82 AC
    assertEquals(0, StreamingDecoder.completePrefix(new byte[] {euro[0], euro[1]}));
    assertEquals(3, StreamingDecoder.completePrefix(euro));
    assertEquals(1, StreamingDecoder.completePrefix(new byte[] {'a', euro[0]}));
    // A stray continuation byte or an impossible lead byte is not held back.
    assertEquals(2, StreamingDecoder.completePrefix(new byte[] {'a', (byte) 0x82}));
    assertEquals(1, StreamingDecoder.completePrefix(new byte[] {(byte) 0xFF}));
  }
}
