package dev.fathom.drafters.gguf;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.drafters.TestModels;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class GgufFileIT {

  @Test
  void readsStories260k() throws Exception {
    try (GgufFile f = GgufFile.open(TestModels.stories260kGguf())) {
      assertEquals(3, f.version());
      GgufMetadata m = f.metadata();
      assertEquals("llama", m.architecture());
      assertEquals(2048, m.getInt("llama.context_length"));
      assertEquals(64, m.getInt("llama.embedding_length"));
      assertEquals(5, m.getInt("llama.block_count"));
      assertEquals(8, m.getInt("llama.attention.head_count"));
      assertEquals(4, m.getInt("llama.attention.head_count_kv"));
      assertEquals(512, m.getStringArray("tokenizer.ggml.tokens").length);
      assertEquals("llama", m.getString("tokenizer.ggml.model"));
      assertEquals(1, m.getInt("tokenizer.ggml.bos_token_id"));
      assertEquals(2, m.getInt("tokenizer.ggml.eos_token_id"));
      // typed access keeps the file's GGUF types
      assertEquals(GgufValueType.UINT32, m.value("llama.context_length").type());
      assertEquals(GgufValueType.STRING, m.value("tokenizer.ggml.tokens").elementType());
      assertEquals(GgufValueType.FLOAT32, m.value("tokenizer.ggml.scores").elementType());

      assertFalse(f.tensors().isEmpty());
      for (GgufTensorInfo t : f.tensors().values()) {
        assertEquals(GgmlType.F32, t.type(), t.name());
        assertEquals(0, t.offset() % f.alignment(), t.name());
        assertEquals(t.byteSize(), f.data(t).byteSize());
      }
      GgufTensorInfo emb = f.tensor("token_embd.weight");
      assertArrayEquals(new long[] {64, 512}, emb.shape());
      assertEquals(512, emb.rows());
      assertEquals(64, emb.columns());
      assertArrayEquals(new long[] {64, 172}, f.tensor("blk.0.ffn_gate.weight").shape());
      assertArrayEquals(new long[] {64, 32}, f.tensor("blk.4.attn_k.weight").shape());
      float first =
          f.data(emb).get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
      assertTrue(Float.isFinite(first) && first != 0, "first embedding weight " + first);
    }
  }

  @Test
  void readsTinyRandomLlamaWithF16MatricesAndTheFullVocabulary() throws Exception {
    try (GgufFile f = GgufFile.open(TestModels.tinyRandomLlama())) {
      assertEquals(3, f.version());
      assertEquals("llama", f.metadata().architecture());
      assertEquals(32000, f.metadata().getStringArray("tokenizer.ggml.tokens").length);
      assertEquals(32000, f.metadata().getFloatArray("tokenizer.ggml.scores").length);
      assertEquals(32000, f.metadata().getIntArray("tokenizer.ggml.token_type").length);
      assertEquals(8, f.metadata().getInt("llama.embedding_length"));
      int f16 = 0;
      for (GgufTensorInfo t : f.tensors().values()) {
        if (t.shape().length == 2) {
          assertEquals(GgmlType.F16, t.type(), t.name());
          f16++;
        } else {
          assertEquals(GgmlType.F32, t.type(), t.name());
        }
      }
      assertTrue(f16 >= 7, f16 + " matrices");
      GgufTensorInfo last = f.tensors().values().stream().reduce((a, b) -> b).orElseThrow();
      assertTrue(f.dataOffset() + last.offset() + last.byteSize() <= f.fileSize());
    }
  }

  @Test
  void aMissingTensorIsNamed() throws Exception {
    try (GgufFile f = GgufFile.open(TestModels.stories260kGguf())) {
      GgufFormatException e =
          assertThrows(GgufFormatException.class, () -> f.tensor("blk.9.attn_q.weight"));
      assertTrue(e.getMessage().contains("blk.9.attn_q.weight"), e.getMessage());
      assertTrue(e.getMessage().contains("stories260K.gguf"), e.getMessage());
    }
  }
}
