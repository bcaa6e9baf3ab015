package dev.fathom.drafters.compute.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Launch plans: sizes for real shapes, and bad shapes refused with the value named. */
class LaunchPlansTest {
  @Test
  void matmulTakesFourRowsPerBlockAndEightPositionsPerGridRow() {
    LaunchPlan decode = LaunchPlans.matmul(4096, 1); // an 8B model's q projection, batch 1
    assertEquals(new LaunchPlan(1024, 1, 1, 128), decode);
    LaunchPlan prefill = LaunchPlans.matmul(128_256, 256); // Llama 3's vocabulary, a prefill chunk
    assertEquals(new LaunchPlan(32_064, 32, 1, 128), prefill);
    assertEquals(new LaunchPlan(10, 2, 1, 128), LaunchPlans.matmul(37, 9));
  }

  @Test
  void elementwiseRoundsUpToWholeBlocks() {
    assertEquals(new LaunchPlan(1, 1, 1, 256), LaunchPlans.elementwise(1));
    assertEquals(new LaunchPlan(2, 1, 1, 256), LaunchPlans.elementwise(257));
    assertEquals(new LaunchPlan(56, 1, 1, 256), LaunchPlans.elementwise(14_336));
    assertTrue(LaunchPlans.rope(3, 32, 64).threads() >= 3 * 32 * 64);
  }

  @Test
  void attentionIsOneBlockPerHeadAndRow() {
    assertEquals(new LaunchPlan(32, 11, 1, 128), LaunchPlans.attention(32, 11));
    assertEquals(new LaunchPlan(7, 1, 1, 256), LaunchPlans.rmsNorm(7));
    assertEquals(new LaunchPlan(5, 1, 1, 256), LaunchPlans.embed(5));
  }

  @Test
  void impossibleShapesAreRefusedWithTheValue() {
    var e = assertThrows(IllegalArgumentException.class, () -> LaunchPlans.matmul(0, 1));
    assertTrue(e.getMessage().contains("rows = 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LaunchPlans.attention(8, 70_000));
    assertTrue(e.getMessage().contains("65535"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new LaunchPlan(1, 1, 1, 2048));
    assertTrue(e.getMessage().contains("2048"), e.getMessage());
  }
}
