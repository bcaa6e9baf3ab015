package dev.fathom.compressors.recomp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class QuestionNormalisationTest {

  @Test
  void noneLeavesTheProbabilitiesAsTheyAre() {
    double[] p = {0.2, 0.9, 0.4};
    assertSame(p, QuestionNormalisation.NONE.apply(p));
    assertEquals(0, QuestionNormalisation.NONE.apply(new double[0]).length);
  }

  @Test
  void scoresSumToTheBestProbabilityAndKeepTheOrder() {
    double[] p = {0.2, 0.9, 0.4, 0.05};
    double[] s = new QuestionNormalisation(0.7).apply(p);
    assertEquals(0.9, Arrays.stream(s).sum(), 1e-9);
    assertTrue(s[1] > s[2] && s[2] > s[0] && s[0] > s[3], Arrays.toString(s));
    // A clear favourite keeps most of its probability; its rivals lose most of theirs.
    assertTrue(s[1] > 0.8 && s[2] < 0.1, Arrays.toString(s));
  }

  @Test
  void aQuestionWithoutALikelyUnitStaysLow() {
    double[] s = new QuestionNormalisation(1).apply(new double[] {0.02, 0.03, 0.01});
    assertTrue(Arrays.stream(s).allMatch(v -> v < 0.03), Arrays.toString(s));
  }

  @Test
  void equalProbabilitiesShareTheBestEvenly() {
    assertArrayEquals(
        new double[] {0.25, 0.25},
        new QuestionNormalisation(1).apply(new double[] {0.5, 0.5}),
        1e-9);
  }

  @Test
  void aLowerTemperatureFavoursTheBestMore() {
    double[] p = {0.6, 0.4};
    assertTrue(
        new QuestionNormalisation(0.5).apply(p)[0] > new QuestionNormalisation(2).apply(p)[0]);
  }

  @Test
  void theModelFileNameRoundTripsAndNonsenseIsAClearError() {
    var n = new QuestionNormalisation(0.7);
    assertEquals(n, QuestionNormalisation.parse(n.id(), "m"));
    assertEquals(QuestionNormalisation.NONE, QuestionNormalisation.parse(null, "m"));
    assertEquals(QuestionNormalisation.NONE, QuestionNormalisation.parse("none", "m"));
    var e =
        assertThrows(IllegalArgumentException.class, () -> QuestionNormalisation.parse("x", "m"));
    assertTrue(e.getMessage().contains("unknown score normalisation \"x\""), e.getMessage());
    var t = assertThrows(IllegalArgumentException.class, () -> new QuestionNormalisation(-1));
    assertEquals("temperature must be in [0, 100], got -1.0", t.getMessage());
  }
}
