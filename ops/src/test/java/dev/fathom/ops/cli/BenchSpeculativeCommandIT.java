package dev.fathom.ops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.ops.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BenchSpeculativeCommandIT {
  static final Path STORIES =
      Path.of(System.getProperty("fathom.root", "."))
          .resolve("../shared/models/stories260K/stories260K.gguf")
          .normalize();

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--gamma|0|--gamma must be in 1..64, got 0",
        "--max-tokens|0|--max-tokens must be in 1..100000, got 0",
        "--prompts|0|--prompts must be in 1..1000, got 0",
        "--etas|-1|--etas values must be in 0..1000, got -1.0",
        "--temperature|-0.5|--temperature must be in 0..100, got -0.5",
        "--short-context|500|--short-context must be in 1..448, got 500",
        "--threads|0|--threads must be in 1..256, got 0"
      })
  void badOptionsAreRejectedWithTheirLegalRange(String option, String value, String message) {
    assumeTrue(Files.isRegularFile(STORIES), "stories260K is absent at " + STORIES);
    Cli.Result r = Cli.run("bench", "speculative", "--model", STORIES.toString(), option, value);
    assertTrue(r.exit() != 0, r.toString());
    assertTrue(r.err().contains(message), r.err());
  }

  @Test
  void aMissingModelIsNamed() {
    Cli.Result r = Cli.run("bench", "speculative", "--model", "/no/such/model.gguf");
    assertTrue(r.exit() != 0);
    assertTrue(r.err().contains("no model file at /no/such/model.gguf"), r.err());
  }

  @Test
  void aLongContextThatDoesNotFitIsRejected() {
    assumeTrue(Files.isRegularFile(STORIES), "stories260K is absent at " + STORIES);
    Cli.Result r =
        Cli.run("bench", "speculative", "--model", STORIES.toString(), "--long-context", "2040");
    assertTrue(r.exit() != 0);
    assertTrue(r.err().contains("stories260K.gguf holds 2048"), r.err());
  }

  @Test
  void jsonPrintsOneRowPerEtaWithTheDocumentedFields() throws Exception {
    assumeTrue(Files.isRegularFile(STORIES), "stories260K is absent at " + STORIES);
    Cli.Result r =
        Cli.run(
            "bench",
            "speculative",
            "--model",
            STORIES.toString(),
            "--max-tokens",
            "8",
            "--prompts",
            "1",
            "--long-context",
            "64",
            "--short-context",
            "16",
            "--etas",
            "0,10",
            "--threads",
            "1",
            "--json");
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(2, lines.size(), r.out());
    ObjectMapper mapper = new ObjectMapper();
    for (int i = 0; i < 2; i++) {
      JsonNode row = mapper.readTree(lines.get(i));
      for (String field :
          List.of(
              "eta",
              "acceptance",
              "mean_accepted",
              "plain_tok_s",
              "spec_tok_s",
              "speedup",
              "gamma",
              "drafted",
              "rounds",
              "gate_off_decisions",
              "target_context_tokens",
              "draft_context_tokens",
              "temperature",
              "gate",
              "speculated_share",
              "speedup_worst_prompt",
              "speedup_if_all_accepted",
              "speedup_median",
              "speedup_p25",
              "speedup_p75",
              "speedup_best_prompt",
              "cpu_speedup_median",
              "probes",
              "recalled",
              "pairs",
              "passes")) {
        assertTrue(row.has(field), field + " in " + row);
      }
      assertEquals(i == 0 ? 0.0 : 10.0, row.get("eta").asDouble());
      assertEquals(10, row.get("gamma").asInt());
      assertTrue(row.get("adaptive").asBoolean());
      assertEquals(
          10, row.get("passes").asInt(), "ten passes by default, rows in alternating order");
      assertEquals(10, row.get("pairs").asInt());
      assertEquals(10 * 8, row.get("tokens").asInt());
      assertTrue(
          row.get("speedup_worst_prompt").asDouble() <= row.get("speedup_p25").asDouble()
              && row.get("speedup_p25").asDouble() <= row.get("speedup_median").asDouble()
              && row.get("speedup_median").asDouble() <= row.get("speedup_p75").asDouble()
              && row.get("speedup_p75").asDouble() <= row.get("speedup_best_prompt").asDouble(),
          row.toString());
      assertEquals(10, row.get("recalled").asInt(), "a primed gate starts every timed run warm");
      assertEquals(
          1 + 64 + row.get("draft_context_tokens").asInt() - 1 - 16,
          row.get("target_context_tokens").asInt(),
          "target = BOS + story + question");
      assertTrue(row.get("plain_tok_s").asDouble() > 0 && row.get("spec_tok_s").asDouble() > 0);
      double a = row.get("acceptance").asDouble();
      assertTrue(a >= 0 && a <= 1, "acceptance " + a);
    }
    assertEquals(
        10,
        mapper.readTree(lines.get(0)).get("identical_to_plain").asInt(),
        "greedy at η = 0 is lossless: the same tokens as plain decoding, in every pass");
  }

  @Test
  void idsWorkloadGivesTheDrafterTheLastShortContextTokens() throws Exception {
    assumeTrue(Files.isRegularFile(STORIES), "stories260K is absent at " + STORIES);
    Cli.Result r =
        Cli.run(
            "bench",
            "speculative",
            "--model",
            STORIES.toString(),
            "--workload",
            "ids",
            "--max-tokens",
            "8",
            "--prompts",
            "2",
            "--long-context",
            "300",
            "--short-context",
            "20",
            "--etas",
            "0",
            "--passes",
            "1",
            "--threads",
            "1",
            "--json");
    assertEquals(0, r.exit(), r.err());
    JsonNode row = new ObjectMapper().readTree(r.out().lines().findFirst().orElseThrow());
    assertEquals(1 + 300 + 16, row.get("target_context_tokens").asInt(), "BOS + ids + question");
    assertEquals(1 + 20 + 16, row.get("draft_context_tokens").asInt());
    assertEquals("ids", row.get("workload").asText());
    assertEquals(16, row.get("tokens").asInt());
  }

  @Test
  void unknownWorkloadIsNamed() {
    Cli.Result r =
        Cli.run("bench", "speculative", "--model", STORIES.toString(), "--workload", "books");
    assertTrue(r.exit() != 0);
    assertTrue(r.err().contains("--workload must be stories or ids, got books"), r.err());
  }
}
