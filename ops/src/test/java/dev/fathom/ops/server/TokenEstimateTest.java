package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TokenEstimateTest {

  @Test
  void wordsNumbersAndPunctuationAreOneTokenEach() {
    assertEquals(0, TokenEstimate.count("  "));
    assertEquals(7, TokenEstimate.count("The tower is 330 metres tall."));
    assertEquals(4, TokenEstimate.count("It's 3.5 m [")); // It's, 3.5, m, [
    assertEquals(3, TokenEstimate.count("Größe: 7"));
  }

  @Test
  void aCutKeepsExactlyMaxTokensOrNothingWhenTheTextIsShorter() {
    String t = "The tower is 330 metres tall.";
    assertEquals("The tower", t.substring(0, TokenEstimate.cut(t, 2)));
    assertEquals("The tower is 330 metres tall", t.substring(0, TokenEstimate.cut(t, 6)));
    assertEquals(-1, TokenEstimate.cut(t, 7));
    assertEquals(-1, TokenEstimate.cut(t, 100));
  }
}
