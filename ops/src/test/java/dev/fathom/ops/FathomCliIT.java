package dev.fathom.ops;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line end to end on real parts: files on disk, the real embedding model, a Lucene
 * index, the Pekko pipeline. Each bad input must give one line on stderr and a non-zero exit.
 */
class FathomCliIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static Path data;
  static Path docs;

  @BeforeAll
  static void ingestASmallCorpus() throws Exception {
    System.setProperty("fathom.home", System.getProperty("fathom.root", "."));
    data = tmp.resolve("data");
    docs = Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(
        docs.resolve("tower.md"),
        """
        # The Eiffel Tower

        The Eiffel Tower was built for the 1889 World's Fair in Paris. The tower is 330 metres tall.
        Gustave Eiffel's engineering company designed and built it.
        """);
    Files.writeString(
        docs.resolve("kafka.html"),
        "<html><head><title>Kafka</title></head><body><p>Kafka stores records in partitions. Each partition is replicated to several brokers.</p></body></html>");
    Files.write(docs.resolve("broken.pdf"), "%PDF-1.7 this is not really a pdf".getBytes());
    Cli.Result r = Cli.run("ingest", "--data", data.toString(), docs.toString());
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("3 files: 2 indexed, 0 unchanged, 1 failed"), r.toString());
    assertTrue(
        r.err().contains("warning: skipped") && r.err().contains("broken.pdf"), r.toString());
  }

  @Test
  void askAnswersWithNumberedCitationsAndSources() {
    Cli.Result r = Cli.run("ask", "--data", data.toString(), "How tall is the Eiffel Tower?");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("330 metres tall"), r.toString());
    assertTrue(r.out().contains("[1]"), r.toString());
    assertTrue(
        r.out().contains("Sources:\n[1] ") && r.out().contains("tower.md \u2014 The Eiffel Tower"),
        r.toString());
  }

  @Test
  void askJsonHasTheDocumentedShape() throws Exception {
    Cli.Result r =
        Cli.run(
            "ask",
            "--json",
            "--data",
            data.toString(),
            "How are Kafka partitions protected against broker failure?");
    assertEquals(0, r.exit(), r.toString());
    JsonNode j = JSON.readTree(r.out());
    assertEquals(
        "How are Kafka partitions protected against broker failure?", j.get("question").asText());
    assertTrue(j.get("answer").asText().contains("[1]"));
    JsonNode c = j.get("citations").get(0);
    for (String f : new String[] {"n", "source", "title", "start", "end", "passage"})
      assertTrue(c.has(f), f);
    assertEquals(1, c.get("n").asInt());
    assertEquals("Kafka", c.get("title").asText());
    assertTrue(c.get("source").asText().endsWith("kafka.html"));
    for (String t : new String[] {"retrieve", "compress", "answer", "total"})
      assertTrue(j.get("timings_ms").has(t), t);
  }

  @Test
  void aQuestionWithNothingRelevantSaysSo() {
    Cli.Result r =
        Cli.run(
            "ask",
            "--data",
            data.toString(),
            "What is the best sourdough hydration for rye bread?");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().startsWith("Nothing relevant was found"), r.toString());
  }

  @Test
  void searchPrintsRankedPassagesAsTextAndJson() throws Exception {
    Cli.Result text = Cli.run("search", "--data", data.toString(), "--mode", "bm25", "partitions");
    assertEquals(0, text.exit(), text.toString());
    assertTrue(text.out().startsWith(" 1. "), text.toString());
    Cli.Result json =
        Cli.run("search", "--json", "-k", "1", "--data", data.toString(), "engineering company");
    JsonNode j = JSON.readTree(json.out());
    assertEquals("hybrid", j.get("mode").asText());
    assertEquals(1, j.get("hits").size());
    assertTrue(j.get("hits").get(0).get("source").asText().endsWith("tower.md"));
  }

  @Test
  void emptyAndOverlongQuestionsAreRefusedInOneLine() {
    Cli.Result empty = Cli.run("ask", "--data", data.toString(), "   ");
    assertEquals(1, empty.exit());
    assertEquals(1, empty.err().strip().lines().count(), empty.toString());
    assertTrue(empty.err().startsWith("fathom: the question is empty"), empty.toString());

    Cli.Result huge = Cli.run("ask", "--data", data.toString(), "x".repeat(10_001));
    assertEquals(1, huge.exit());
    assertTrue(
        huge.err().contains("10,001 characters") && huge.err().contains("10,000"), huge.toString());
  }

  @Test
  void ingestOfAMissingPathFailsWithoutTouchingTheIndex() {
    Cli.Result r = Cli.run("ingest", "--data", data.toString(), tmp.resolve("nope").toString());
    assertEquals(1, r.exit());
    assertTrue(r.err().startsWith("fathom: no such file or directory"), r.toString());
    assertEquals(
        0, Cli.run("ask", "--data", data.toString(), "How tall is the Eiffel Tower?").exit());
  }

  @Test
  void aFailedFirstIngestLeavesNoEmptyIndexBehind() {
    Path fresh = tmp.resolve("fresh");
    assertEquals(
        1, Cli.run("ingest", "--data", fresh.toString(), tmp.resolve("nope").toString()).exit());
    Cli.Result r = Cli.run("search", "--data", fresh.toString(), "tower");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.err().contains("no index at"), r.toString());
  }

  @Test
  void badOptionValuesAreUsageErrors() {
    Cli.Result r = Cli.run("search", "--data", data.toString(), "--mode", "fuzzy", "x");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("unknown search mode 'fuzzy'"), r.toString());
    assertEquals(2, Cli.run("ask", "--no-such-option").exit());
  }

  @Test
  void aCorruptIndexIsReportedInOneLine() throws Exception {
    Path copy = tmp.resolve("corrupt");
    Path index = copy.resolve("index");
    Files.createDirectories(index);
    try (Stream<Path> files = Files.list(data.resolve("index"))) {
      for (Path f : files.filter(p -> !p.getFileName().toString().equals("write.lock")).toList()) {
        Files.copy(f, index.resolve(f.getFileName()));
      }
    }
    try (Stream<Path> files = Files.list(index)) {
      for (Path f :
          files
              .filter(
                  p ->
                      p.getFileName().toString().endsWith(".cfs")
                          || p.getFileName().toString().startsWith("segments_"))
              .toList()) {
        byte[] b = Files.readAllBytes(f);
        for (int i = 0; i < b.length; i += 7) b[i] ^= 0x33;
        Files.write(f, b);
      }
    }
    Cli.Result r = Cli.run("search", "--data", copy.toString(), "tower");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.err().startsWith("fathom: "), r.toString());
    assertTrue(r.err().contains("index at"), r.toString());
    assertEquals(1, r.err().strip().lines().count(), r.toString());
  }

  @Test
  void helpListsTheCommands() {
    Cli.Result r = Cli.run("--help");
    assertEquals(0, r.exit());
    for (String c : new String[] {"ask", "search", "ingest", "eval", "bench", "test"}) {
      assertTrue(r.out().contains("  " + c + " "), c);
    }
  }
}
