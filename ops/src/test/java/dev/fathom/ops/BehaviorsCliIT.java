package dev.fathom.ops;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behavior handbook from the command line: the handbook commands on a real Lucene handbook, and
 * stories260K through {@code fathom ask --model} with a behavior in the handbook, its trace,
 * feedback and {@code fathom behaviors mine} — a smoke test: stories260K writes nonsense, so this
 * checks that the whole path runs and nothing crashes, not what it says.
 */
class BehaviorsCliIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private Cli.Result run(String... args) {
    return Cli.run(args);
  }

  @Test
  void handbookCommandsAddListShowExportRemoveImport() throws Exception {
    String data = tmp.resolve("data").toString();
    Cli.Result add =
        run(
            "behaviors",
            "add",
            "--data",
            data,
            "behavior_quote_span",
            "Quote the sentence that states the answer.");
    assertEquals(0, add.exit(), add.toString());
    assertTrue(add.out().contains("added behavior_quote_span"), add.toString());
    Cli.Result again =
        run(
            "behaviors",
            "add",
            "--data",
            data,
            "behavior_quote_the_span",
            "Quote the sentence which states the answer.");
    assertTrue(again.out().contains("merged into behavior_quote_span"), again.toString());

    Cli.Result bad = run("behaviors", "add", "--data", data, "quote", "x");
    assertNotEquals(0, bad.exit());
    assertTrue(bad.err().contains("behavior"), bad.toString());

    Cli.Result list = run("behaviors", "list", "--data", data);
    assertTrue(list.out().contains("behavior_quote_span (0 uses): Quote the sentence"), list.out());
    JsonNode shown =
        JSON.readTree(run("behaviors", "show", "--data", data, "behavior_quote_span").out());
    assertEquals("Quote the sentence that states the answer.", shown.get("instruction").asText());

    Path file = tmp.resolve("handbook.json");
    assertEquals(0, run("behaviors", "export", "--data", data, file.toString()).exit());
    assertEquals("fathom-behaviors", JSON.readTree(Files.readString(file)).get("format").asText());
    assertEquals(0, run("behaviors", "remove", "--data", data, "behavior_quote_span").exit());
    assertTrue(run("behaviors", "list", "--data", data).out().contains("empty"));
    assertNotEquals(0, run("behaviors", "show", "--data", data, "behavior_quote_span").exit());
    Cli.Result imported = run("behaviors", "import", "--data", data, file.toString());
    assertTrue(imported.out().contains("imported 1 behaviors"), imported.toString());
    assertTrue(
        JSON.readTree(run("behaviors", "export", "--data", data).out()).get("behaviors").size()
            == 1);
  }

  @Test
  void storiesAnswersWithTheHandbookRecordsATraceTakesFeedbackAndMines() throws Exception {
    Path p =
        Path.of(System.getProperty("fathom.root", "."))
            .resolve("../shared/models/stories260K/stories260K.gguf");
    assumeTrue(Files.isRegularFile(p), "stories260K.gguf not found at " + p);
    String model = p.toString();
    String data = tmp.resolve("data").toString();
    Path docs = Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(
        docs.resolve("tower.md"),
        "# The Eiffel Tower\n\nThe Eiffel Tower was built for the 1889 World's Fair in Paris."
            + " The tower is 330 metres tall.\n");
    assertEquals(0, run("ingest", "--data", data, docs.toString()).exit());
    assertEquals(
        0,
        run("behaviors", "add", "--data", data, "behavior_quote_span", "Quote the answer.").exit());

    Cli.Result ask =
        run(
            "ask",
            "--data",
            data,
            "--model",
            model,
            "--threads",
            "1",
            "--max-tokens",
            "24",
            "--json",
            "How tall is the Eiffel Tower?");
    assertEquals(0, ask.exit(), ask.toString());
    JsonNode j = JSON.readTree(ask.out());
    assertEquals(List.of("behavior_quote_span"), names(j.get("behaviors").get("offered")));
    assertTrue(j.get("timings_ms").has("behaviors"), ask.out());
    String id = j.get("request_id").asText();

    // The trace is written after the reply; the pipeline has stopped when ask returns.
    String traces = Files.readString(tmp.resolve("data/traces/traces.jsonl"));
    assertTrue(traces.contains("\"requestId\":\"" + id + "\""), traces);
    assertTrue(traces.contains("\"behaviorsOffered\":[\"behavior_quote_span\"]"), traces);

    // Self-improvement: stories260K's extraction yields no behaviors, so the first answer stands.
    Cli.Result improved =
        run(
            "ask",
            "--data",
            data,
            "--model",
            model,
            "--threads",
            "1",
            "--max-tokens",
            "16",
            "--self-improve",
            "--json",
            "How tall is the Eiffel Tower?");
    assertEquals(0, improved.exit(), improved.toString());
    assertTrue(JSON.readTree(improved.out()).get("timings_ms").has("improve"), improved.out());
    assertNotEquals(0, run("ask", "--data", data, "--self-improve", "tall?").exit());

    Cli.Result fb = run("feedback", "--data", data, id, "--rating", "2", "--comment", "a story");
    assertEquals(0, fb.exit(), fb.toString());
    assertNotEquals(0, run("feedback", "--data", data, "no-such-id", "--rating", "2").exit());
    assertNotEquals(0, run("feedback", "--data", data, id, "--rating", "9").exit());

    // A 512-token strategist prompt overflows stories260K's context: curation must log a reason
    // and mine nothing, never crash.
    Cli.Result mine =
        run(
            "behaviors",
            "mine",
            "--data",
            data,
            "--model",
            model,
            "--threads",
            "1",
            "--max-tokens",
            "16");
    assertEquals(0, mine.exit(), mine.toString());
    // The plain answer and the self-improved question's (its first answer stood).
    assertTrue(mine.out().contains("mined 2 traces"), mine.toString());
  }

  @Test
  void evalBehaviorsAnswersBothArmsWithStories() throws Exception {
    Path p =
        Path.of(System.getProperty("fathom.root", "."))
            .resolve("../shared/models/stories260K/stories260K.gguf");
    assumeTrue(Files.isRegularFile(p), "stories260K.gguf not found at " + p);
    String data = tmp.resolve("data").toString();
    Path ds = Files.createDirectories(tmp.resolve("ds/qrels"));
    Files.writeString(
        ds.resolveSibling("corpus.jsonl"),
        "{\"_id\":\"d1\",\"title\":\"Tower\",\"text\":\"The tower is 330 metres tall.\"}\n");
    Files.writeString(
        ds.resolveSibling("queries.jsonl"),
        "{\"_id\":\"q1\",\"text\":\"How tall is the tower?\",\"answers\":[\"330 metres\"]}\n");
    Files.writeString(ds.resolve("test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
    assertEquals(
        0, run("behaviors", "add", "--data", data, "behavior_quote_span", "Quote it.").exit());
    Cli.Result r =
        run(
            "eval",
            "behaviors",
            "--data",
            data,
            "--dataset",
            ds.getParent().toString(),
            "--model",
            p.toString(),
            "--threads",
            "1",
            "--max-tokens",
            "12",
            "--json");
    assertEquals(0, r.exit(), r.toString());
    JsonNode j = JSON.readTree(r.out());
    assertEquals(1, j.get("without").get("questions").asInt());
    assertEquals(0, j.get("without").get("offered").asInt());
    assertEquals(1, j.get("with").get("offered").asInt());
    assertTrue(j.get("with").get("mean_completion_tokens").asDouble() > 0, r.out());
  }

  private static List<String> names(JsonNode array) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false)
        .map(JsonNode::asText)
        .toList();
  }
}
