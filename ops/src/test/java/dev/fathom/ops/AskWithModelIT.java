package dev.fathom.ops;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fathom ask --model}: retrieval and compression as usual, the answer written by a language
 * model. stories260K only tells stories, so these tests check the mechanics, not the answer.
 */
class AskWithModelIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static Path data;
  static String model;

  @BeforeAll
  static void ingestASmallCorpus() throws Exception {
    Path p =
        Path.of(System.getProperty("fathom.root", "."))
            .resolve("../shared/models/stories260K/stories260K.gguf");
    assumeTrue(Files.isRegularFile(p), "stories260K.gguf not found at " + p);
    model = p.toString();
    data = tmp.resolve("data");
    Path docs = Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(
        docs.resolve("tower.md"),
        """
        # The Eiffel Tower

        The Eiffel Tower was built for the 1889 World's Fair in Paris. The tower is 330 metres tall.
        Gustave Eiffel's engineering company designed and built it.
        """);
    Files.writeString(
        docs.resolve("kafka.md"),
        "# Kafka\n\nKafka stores records in partitions. Each partition is replicated to brokers.\n");
    assertEquals(0, Cli.run("ingest", "--data", data.toString(), docs.toString()).exit());
  }

  private static Cli.Result ask(String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "ask",
                "--data",
                data.toString(),
                "--model",
                model,
                "--threads",
                "1",
                "--max-tokens",
                "24"));
    all.addAll(List.of(args));
    return Cli.run(all.toArray(String[]::new));
  }

  @Test
  void streamsAnAnswerThenTheSourcesAndTheSpeedOnStderr() {
    Cli.Result r = ask("How tall is the Eiffel Tower?");
    assertEquals(0, r.exit(), r.toString());
    int sources = r.out().indexOf("\n\nSources:\n[1] ");
    assertTrue(sources > 0, r.toString());
    assertFalse(r.out().substring(0, sources).isBlank(), r.toString());
    assertTrue(r.out().contains("tower.md \u2014 The Eiffel Tower"), r.toString());
    assertTrue(r.err().contains("prompt tokens, prefill "), r.toString());
  }

  @Test
  void jsonKeepsTheAnswerShapeAndAddsTheModel() throws Exception {
    Cli.Result r = ask("--json", "How tall is the Eiffel Tower?");
    assertEquals(0, r.exit(), r.toString());
    JsonNode j = JSON.readTree(r.out());
    assertEquals("How tall is the Eiffel Tower?", j.get("question").asText());
    assertTrue(j.has("answer"));
    assertTrue(j.get("citations").size() >= 1, r.out());
    for (String t : new String[] {"retrieve", "compress", "answer", "total"}) {
      assertTrue(j.get("timings_ms").has(t), t);
    }
    JsonNode m = j.get("model");
    assertEquals("stories260K.gguf", m.get("name").asText());
    assertFalse(m.get("speculative").asBoolean());
    assertTrue(m.get("timings").get("generated_tokens").asInt() > 0, m.toString());
  }

  @Test
  void speculationReadsAllPassagesAndReportsItsStats() throws Exception {
    Cli.Result r = ask("--speculate", "--json", "How tall is the Eiffel Tower?");
    assertEquals(0, r.exit(), r.toString());
    JsonNode m = JSON.readTree(r.out()).get("model");
    assertTrue(m.get("speculative").asBoolean(), m.toString());
    assertTrue(m.get("speculation").get("rounds").asInt() >= 0, m.toString());
    Cli.Result text = ask("--speculate", "How tall is the Eiffel Tower?");
    assertEquals(0, text.exit(), text.toString());
    assertTrue(text.err().contains("speculation: "), text.toString());
  }

  @Test
  void nothingRelevantIsSaidWithoutRunningTheModel() {
    Cli.Result r = ask("What is the best sourdough hydration for rye bread?");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().startsWith("Nothing relevant was found"), r.toString());
    assertFalse(r.err().contains("prompt tokens"), r.toString());
  }

  @Test
  void aModelCannotBeCombinedWithAServer() {
    Cli.Result r = ask("--server", "http://127.0.0.1:9", "q?");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.err().contains("cannot be combined with --server"), r.toString());
  }
}
