package dev.fathom.ops.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EngineBenchmarkTest {

  @Test
  void promptTokensAreDeterministicAndAvoidSpecialIds() {
    int[] a = EngineBenchmark.promptTokens(128, 512);
    assertArrayEquals(a, EngineBenchmark.promptTokens(128, 512));
    assertTrue(Arrays.stream(a).allMatch(t -> t >= 3 && t < 512), Arrays.toString(a));
    assertTrue(Arrays.stream(a).distinct().count() > 100, "varied ids");
    int[] big = EngineBenchmark.promptTokens(4096, 151_936);
    assertTrue(Arrays.stream(big).allMatch(t -> t >= 3 && t < 32_000));
  }
}
