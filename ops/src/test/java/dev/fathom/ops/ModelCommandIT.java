package dev.fathom.ops;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.drafters.gguf.GgmlType;
import dev.fathom.drafters.gguf.GgufFile;
import dev.fathom.drafters.gguf.GgufTensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelCommandIT {

  @TempDir Path dir;

  private static Path tokenizerSource() {
    Path p =
        Path.of(System.getProperty("fathom.root", "."))
            .resolve("../shared/models/tiny-random-llama/llama-2-tiny-random.gguf")
            .normalize();
    assumeTrue(Files.isRegularFile(p), "tokenizer source " + p + " is absent");
    return p;
  }

  @ParameterizedTest
  @CsvSource({"q8_0, Q8_0", "q4_0, Q4_0", "q4_k, Q4_K"})
  void synthSmallWritesAModelThatOpensAndDescribesItself(String type, GgmlType ggml)
      throws Exception {
    Path src = tokenizerSource();
    Path out = dir.resolve("small-" + type + ".gguf");
    Cli.Result r =
        Cli.run(
            "model",
            "synth",
            "--shape",
            "small",
            "--type",
            type,
            "--seed",
            "7",
            "--tokenizer-from",
            src.toString(),
            out.toString());
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.err().contains("wrote " + out), r.toString());
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(1, left.count(), "no .partial file is left behind");
    }

    try (GgufFile f = GgufFile.open(out);
        GgufFile tok = GgufFile.open(src)) {
      assertEquals("llama", f.metadata().architecture());
      assertEquals(256, f.metadata().getInt("llama.embedding_length"));
      assertEquals(2, f.metadata().getInt("llama.block_count"));
      assertEquals(
          tok.metadata().value("tokenizer.ggml.tokens"),
          f.metadata().value("tokenizer.ggml.tokens"));
      assertEquals(
          tok.metadata().value("tokenizer.ggml.bos_token_id"),
          f.metadata().value("tokenizer.ggml.bos_token_id"));
      assertEquals(3 + 9 * 2, f.tensors().size());
      assertArrayEquals(new long[] {256, 32000}, f.tensor("token_embd.weight").shape());
      assertArrayEquals(new long[] {256, 128}, f.tensor("blk.1.attn_k.weight").shape());
      assertArrayEquals(new long[] {768, 256}, f.tensor("blk.0.ffn_down.weight").shape());
      for (GgufTensorInfo t : f.tensors().values()) {
        assertEquals(t.shape().length == 1 ? GgmlType.F32 : ggml, t.type(), t.name());
      }
    }

    Cli.Result info = Cli.run("model", "info", "--json", out.toString());
    assertEquals(0, info.exit(), info.toString());
    JsonNode j = new ObjectMapper().readTree(info.out());
    assertEquals("llama", j.get("architecture").asText());
    assertEquals(32000, j.get("vocabulary_size").asInt());
    assertEquals(4, j.get("kv_heads").asInt());
    assertEquals(2 + 7 * 2, j.get("tensor_types").get(ggml.name()).asInt());
    assertEquals(1 + 2 * 2, j.get("tensor_types").get("F32").asInt());
    assertEquals(Files.size(out), j.get("file_size").asLong());
    assertEquals("<s>", j.get("bos").get("text").asText());
    long params =
        2L * 32000 * 256 + 256 + 2 * (2 * 256 + 256 * 256 * 2 + 2 * 256 * 128 + 3 * 256 * 768);
    assertEquals(params, j.get("parameters").asLong());
  }

  @Test
  void sameSeedGivesTheSameBytes() throws Exception {
    Path src = tokenizerSource();
    Path a = dir.resolve("a.gguf");
    Path b = dir.resolve("b.gguf");
    for (Path p : new Path[] {a, b}) {
      Cli.Result r =
          Cli.run(
              "model",
              "synth",
              "--shape",
              "small",
              "--type",
              "q8_0",
              "--tokenizer-from",
              src.toString(),
              p.toString());
      assertEquals(0, r.exit(), r.toString());
    }
    assertEquals(-1L, Files.mismatch(a, b));
  }

  @Test
  void infoPrintsARealModel() {
    Cli.Result r = Cli.run("model", "info", tokenizerSource().toString());
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("architecture") && r.out().contains("llama"), r.out());
    assertTrue(r.out().contains("vocabulary size") && r.out().contains("32000"), r.out());
  }

  @Test
  void badArgumentsGiveClearErrors() throws Exception {
    Cli.Result r =
        Cli.run("model", "synth", "--shape", "huge", "--type", "q8_0", dir.resolve("x").toString());
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.err().contains("unknown --shape 'huge'; choose tinyllama or small"), r.err());

    r =
        Cli.run(
            "model", "synth", "--shape", "small", "--type", "q2_k", dir.resolve("x").toString());
    assertTrue(r.err().contains("unknown --type 'q2_k'"), r.err());

    r =
        Cli.run(
            "model",
            "synth",
            "--shape",
            "small",
            "--type",
            "q8_0",
            "--tokenizer-from",
            dir.resolve("missing.gguf").toString(),
            dir.resolve("x").toString());
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.err().contains("missing.gguf does not exist"), r.err());

    r = Cli.run("model", "synth", "--type", "q8_0", dir.resolve("x").toString());
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().contains("--shape"), r.err());

    r = Cli.run("model", "info", dir.resolve("none.gguf").toString());
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.err().contains("none.gguf: no such file"), r.err());

    Path junk = dir.resolve("junk.gguf");
    Files.writeString(junk, "not a model");
    r = Cli.run("model", "info", junk.toString());
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.err().contains("not a GGUF file"), r.err());
    assertFalse(Files.exists(dir.resolve("x")));
  }
}
