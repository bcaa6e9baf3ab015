package dev.fathom.drafters.llama2c;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.drafters.TestModels;
import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.gguf.GgufTensorInfo;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Llama2cCheckpointIT {

  @TempDir Path dir;

  @Test
  void readsTheStories260kHeader() throws Exception {
    Llama2cCheckpoint ck = Llama2cCheckpoint.read(TestModels.stories260kBin());
    assertEquals(new Llama2cConfig(64, 172, 5, 8, 4, 512, 512, true), ck.config());
    assertEquals(8, ck.config().headSize());
    assertEquals(32, ck.config().kvDim());
    assertSame(ck.tokenEmbedding(), ck.wcls());
  }

  /**
   * The GGUF holds the same weights as the .bin, element for element, under llama.cpp's names. In
   * particular attn_q and attn_k are not permuted: llama2.c, like Meta's Llama code and llama.cpp's
   * "norm" RoPE, rotates adjacent pairs, so the converter had nothing to reorder (the HF converter
   * permutes only because HF checkpoints use the half-split NeoX layout).
   */
  @Test
  void binMatricesEqualTheGgufTensors() throws Exception {
    Llama2cCheckpoint ck = Llama2cCheckpoint.read(TestModels.stories260kBin());
    Llama2cConfig c = ck.config();
    int d = c.dim();
    int kv = c.kvDim();
    int h = c.hiddenDim();
    try (GgufFile g = GgufFile.open(TestModels.stories260kGguf())) {
      assertTensor("token_embd.weight", ck.tokenEmbedding(), 0, c.vocabSize() * d, g);
      assertTensor("output_norm.weight", ck.rmsFinal(), 0, d, g);
      // tied classifier: the GGUF has no output.weight, or one equal to the embedding
      if (g.hasTensor("output.weight")) {
        assertTensor("output.weight", ck.wcls(), 0, c.vocabSize() * d, g);
      }
      for (int l = 0; l < c.layers(); l++) {
        String b = "blk." + l + ".";
        assertTensor(b + "attn_norm.weight", ck.rmsAtt(), l * d, d, g);
        assertTensor(b + "attn_q.weight", ck.wq(), l * d * d, d * d, g);
        assertTensor(b + "attn_k.weight", ck.wk(), l * kv * d, kv * d, g);
        assertTensor(b + "attn_v.weight", ck.wv(), l * kv * d, kv * d, g);
        assertTensor(b + "attn_output.weight", ck.wo(), l * d * d, d * d, g);
        assertTensor(b + "ffn_norm.weight", ck.rmsFfn(), l * d, d, g);
        assertTensor(b + "ffn_gate.weight", ck.w1(), l * h * d, h * d, g);
        assertTensor(b + "ffn_down.weight", ck.w2(), l * d * h, d * h, g);
        assertTensor(b + "ffn_up.weight", ck.w3(), l * h * d, h * d, g);
      }
    }
  }

  private static void assertTensor(String name, float[] bin, int off, int n, GgufFile g) {
    GgufTensorInfo t = g.tensor(name);
    assertEquals(GgmlType.F32, t.type(), name);
    assertEquals(n, t.elementCount(), name);
    float[] gguf =
        g.data(t).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
    assertArrayEquals(Arrays.copyOfRange(bin, off, off + n), gguf, name);
  }

  @Test
  void aFileOfTheWrongSizeIsRejectedWithTheExpectedSize() throws Exception {
    byte[] whole = Files.readAllBytes(TestModels.stories260kBin());
    Path cut = dir.resolve("cut.bin");
    Files.write(cut, Arrays.copyOf(whole, whole.length - 4));
    java.io.IOException e =
        assertThrows(java.io.IOException.class, () -> Llama2cCheckpoint.read(cut));
    assertTrue(e.getMessage().contains("needs " + whole.length + " bytes"), e.getMessage());
    Files.write(cut, new byte[28]);
    e = assertThrows(java.io.IOException.class, () -> Llama2cCheckpoint.read(cut));
    assertTrue(e.getMessage().contains("not a llama2.c checkpoint"), e.getMessage());
  }
}
