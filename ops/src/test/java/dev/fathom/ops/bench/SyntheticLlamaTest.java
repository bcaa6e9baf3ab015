package dev.fathom.ops.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fathom.drafters.gguf.GgmlType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticLlamaTest {

  @Test
  void q4KmGivesQ6KToTheLayersLlamaCppPicks() {
    SyntheticLlama m =
        new SyntheticLlama(
            SyntheticLlama.Shape.TINYLLAMA, GgmlType.Q4_K, 42, SyntheticLlama.Mix.Q4_K_M);
    List<Integer> q6 = new ArrayList<>();
    for (int l = 0; l < 22; l++) {
      GgmlType v = m.typeOf("attn_v", l);
      assertEquals(v, m.typeOf("ffn_down", l), "layer " + l);
      assertEquals(GgmlType.Q4_K, m.typeOf("attn_q", l));
      assertEquals(GgmlType.Q4_K, m.typeOf("ffn_up", l));
      if (v == GgmlType.Q6_K) {
        q6.add(l);
      }
    }
    // use_more_bits(i, 22): i < 2, i >= 19, or (i - 2) % 3 == 2.
    assertEquals(List.of(0, 1, 4, 7, 10, 13, 16, 19, 20, 21), q6);
    assertEquals(GgmlType.Q6_K, m.typeOf("output", -1));
  }

  @Test
  void uniformModelsKeepOneType() {
    SyntheticLlama m = new SyntheticLlama(SyntheticLlama.Shape.SMALL, GgmlType.Q4_0, 1);
    assertEquals(SyntheticLlama.Mix.UNIFORM, m.mix());
    assertEquals(GgmlType.Q4_0, m.typeOf("output", -1));
    assertEquals(GgmlType.Q4_0, m.typeOf("ffn_down", 0));
  }

  @Test
  void theQ4KmMixNeedsQ4K() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SyntheticLlama(
                    SyntheticLlama.Shape.SMALL, GgmlType.Q8_0, 1, SyntheticLlama.Mix.Q4_K_M));
    assertEquals("the Q4_K_M mix needs type Q4_K, got Q8_0", e.getMessage());
  }
}
