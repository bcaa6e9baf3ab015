package dev.fathom.drafters.lm;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringsTest {

  /** Feeds pieces; returns everything emitted (accept results and the final flush). */
  private static String run(StopStrings s, String... pieces) {
    StringBuilder out = new StringBuilder();
    for (String p : pieces) out.append(s.accept(p));
    return out.append(s.flush()).toString();
  }

  @Test
  void textWithoutAStopStringPassesThroughWhole() {
    StopStrings s = new StopStrings(List.of("###"));
    assertEquals("Hello, world", run(s, "Hello", ", ", "world"));
    assertFalse(s.matched());
  }

  @Test
  void aStopStringInOnePieceCutsTheTextBeforeIt() {
    StopStrings s = new StopStrings(List.of("\nUser:"));
    assertEquals("The answer is 42.", s.accept("The answer is 42.\nUser: and then"));
    assertTrue(s.matched());
    assertEquals("\nUser:", s.matchedStop());
    assertEquals("", s.accept("more"));
    assertEquals("", s.flush());
  }

  @Test
  void aStopStringSplitAcrossPiecesIsHeldBackThenDropped() {
    StopStrings s = new StopStrings(List.of("Observation:"));
    assertEquals("Thought ", s.accept("Thought Obs"));
    assertEquals("", s.accept("erva"));
    assertEquals("", s.accept("tion: the tool said"));
    assertTrue(s.matched());
    assertEquals("", s.flush());
  }

  @Test
  void aPrefixThatDoesNotGrowIntoTheStopStringIsReleased() {
    StopStrings s = new StopStrings(List.of("</s>"));
    assertEquals("a ", s.accept("a </"));
    assertEquals("</b> done", s.accept("b> done"));
    assertEquals("x </", s.accept("x </") + s.flush());
    assertFalse(s.matched());
  }

  @Test
  void theStopStringThatStartsFirstWins() {
    StopStrings s = new StopStrings(List.of("END", "D!"));
    assertEquals("ab", run(s, "abE", "ND!"));
    assertEquals("END", s.matchedStop());
  }

  @Test
  void multibyteStopStringsAndSurrogatePairsAreNeverSplit() {
    StopStrings s = new StopStrings(List.of("。終わり"));
    assertEquals("日本語", run(s, "日本", "語。", "終", "わり、以上"));
    assertTrue(s.matched());

    // An emoji arrives as its two UTF-16 halves: the high one is held until the low one comes.
    String rocket = "\uD83D\uDE80";
    StopStrings e = new StopStrings(List.of("🛑"));
    assertEquals("go ", e.accept("go \uD83D"));
    assertEquals(rocket + " up", e.accept("\uDE80 up"));
    assertEquals(" ", e.accept(" 🛑 stop"));
    assertTrue(e.matched());
  }

  @Test
  void noStopStringsHoldNothingBack() {
    StopStrings s = new StopStrings(List.of());
    assertEquals("abc", s.accept("abc"));
    assertThrows(IllegalArgumentException.class, () -> new StopStrings(List.of("")));
  }
}
