package dev.fathom.ops.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.gguf.GgufMetadata;
import dev.fathom.drafters.gguf.GgufTensorInfo;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SyntheticLlamaTest {
  private static final GgufMetadata TOKENIZER =
      new GgufMetadata(
          "test",
          Map.of(
              "tokenizer.ggml.model",
              "llama",
              "tokenizer.ggml.tokens",
              IntStream.range(0, 300).mapToObj(i -> "t" + i).toArray(String[]::new)));

  @Test
  void useMoreBitsPicksTheLayersLlamaCppDoesForTinyLlama() {
    // llama.cpp's use_more_bits for 22 layers: the first and last eighth (0-1, 19-21) and every
    // third layer from 4.
    SyntheticLlama model =
        new SyntheticLlama(
            SyntheticLlama.Shape.TINYLLAMA, GgmlType.Q4_K, 1, SyntheticLlama.Mix.Q4_K_M);
    List<Integer> wide =
        IntStream.range(0, 22)
            .filter(l -> model.typeOf("ffn_down", l) == GgmlType.Q6_K)
            .boxed()
            .toList();
    assertEquals(List.of(0, 1, 4, 7, 10, 13, 16, 19, 20, 21), wide);
  }

  @Test
  void q4KMediumPutsQ6KOnTheOutputAndOnAttnVAndFfnDownOfTheWideLayers() {
    SyntheticLlama model =
        new SyntheticLlama(SyntheticLlama.Shape.SMALL, GgmlType.Q4_K, 1, SyntheticLlama.Mix.Q4_K_M);
    Map<String, GgufTensorInfo> t = model.declare(TOKENIZER).tensors();
    assertEquals(GgmlType.Q6_K, t.get("output.weight").type());
    assertEquals(GgmlType.Q4_K, t.get("token_embd.weight").type());
    // Two layers: layer 0 is not in the first eighth (2 / 8 = 0), layer 1 is in the last.
    assertEquals(GgmlType.Q4_K, t.get("blk.0.attn_v.weight").type());
    assertEquals(GgmlType.Q4_K, t.get("blk.0.ffn_down.weight").type());
    assertEquals(GgmlType.Q6_K, t.get("blk.1.attn_v.weight").type());
    assertEquals(GgmlType.Q6_K, t.get("blk.1.ffn_down.weight").type());
    assertEquals(GgmlType.Q4_K, t.get("blk.1.ffn_up.weight").type());
    assertEquals(GgmlType.F32, t.get("blk.1.ffn_norm.weight").type());
    assertEquals(GgmlType.Q4_K, model.typeOf("attn_q", 1));
  }

  @Test
  void theQ4KMediumMixNeedsQ4KAsItsMainType() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SyntheticLlama(
                    SyntheticLlama.Shape.SMALL, GgmlType.Q8_0, 1, SyntheticLlama.Mix.Q4_K_M));
    assertEquals("the Q4_K_M mix needs type Q4_K, got Q8_0", e.getMessage());
  }
}
