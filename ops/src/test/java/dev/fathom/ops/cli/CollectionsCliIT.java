package dev.fathom.ops.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.ops.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collections, metadata filters and readable citations through the real command line: a real Lucene
 * index per collection on disk, the real ONNX embedder.
 */
@TestMethodOrder(
    MethodOrderer.OrderAnnotation.class) // the demo test needs a data dir without input
class CollectionsCliIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static Path data;
  static Path notes;

  @BeforeAll
  static void setUp() throws Exception {
    // A small stand-in for Fathom's docs/ folder: the demo collection indexes fathom.home/docs.
    Path home = tmp.resolve("home");
    Files.createDirectories(home.resolve("docs"));
    Files.writeString(
        home.resolve("docs/handbook.md"),
        "# Handbook\n\nThe behavior handbook stores reusable reasoning behaviors.\n");
    System.setProperty("fathom.home", home.toString());
    data = tmp.resolve("data");
    notes = Files.createDirectories(tmp.resolve("notes"));
    Files.writeString(
        notes.resolve("lease.md"),
        "---\nauthor: Ann\nyear: 2023\n---\n# Lease\n\nThe lease ends on 31 May 2027."
            + " The rent is 900 euros a month.\n\n"
            + "The deposit is two months of rent. "
            + "lorem ipsum ".repeat(120)
            + "\n\nThe lease can be ended early with three months notice.\n");
    Files.writeString(
        notes.resolve("car.html"),
        "<html><head><title>Car</title><meta name=\"author\" content=\"Bob\"></head>"
            + "<body><p>The car insurance ends in March 2026.</p></body></html>");
  }

  private static Cli.Result fathom(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--data";
    all[args.length + 1] = data.toString();
    return Cli.run(all);
  }

  @Test
  @Order(1)
  void theDemoCollectionAnswersOnlyUntilTheUserIngestsAndCollectionsStayApart() throws Exception {
    Cli.Result demo = fathom("ask", "What does the behavior handbook store?");
    assertEquals(0, demo.exit(), demo.toString());
    assertTrue(demo.err().contains("demo collection 'fathom-docs'"), demo.toString());
    assertTrue(demo.out().contains("handbook.md"), demo.toString());

    Cli.Result in = fathom("ingest", "--meta", "team=home", notes.toString());
    assertEquals(0, in.exit(), in.toString());
    assertTrue(in.out().contains("Collection: default"), in.toString());
    Cli.Result mine = fathom("ask", "--json", "When does the lease end?");
    assertEquals(0, mine.exit(), mine.toString());
    assertFalse(mine.err().contains("demo collection"), mine.toString());
    JsonNode j = JSON.readTree(mine.out());
    for (JsonNode s : j.get("sources")) {
      assertFalse(s.get("source").asText().contains("handbook"), "no demo docs: " + j);
    }

    Cli.Result other =
        fathom("ingest", "--collection", "demo-copy", tmp.resolve("home/docs").toString());
    assertEquals(0, other.exit(), other.toString());
    Cli.Result list = fathom("collections", "list", "--json");
    JsonNode cs = JSON.readTree(list.out()).get("collections");
    assertEquals("default", cs.get(0).get("name").asText(), list.toString());
    assertEquals(2, cs.get(0).get("documents").asInt(), list.toString());
    assertEquals("demo-copy", cs.get(1).get("name").asText());
    assertEquals("fathom-docs", cs.get(2).get("name").asText());
    Cli.Result there = fathom("search", "--collection", "demo-copy", "--json", "lease");
    for (JsonNode h : JSON.readTree(there.out()).get("hits")) {
      assertTrue(h.get("source").asText().endsWith("handbook.md"), there.toString());
    }

    Cli.Result deleted = fathom("collections", "delete", "demo-copy");
    assertEquals(0, deleted.exit(), deleted.toString());
    Cli.Result gone = fathom("search", "--collection", "demo-copy", "lease");
    assertEquals(1, gone.exit());
    assertTrue(gone.err().contains("collection 'demo-copy'"), gone.toString());
  }

  @Test
  void citationsAreGroupedByDocumentWithRelevanceAndOnePathForm() throws Exception {
    ensureIngested();
    Cli.Result r =
        fathom("ask", "-k", "5", "--json", "When does the lease end and when can it be ended?");
    JsonNode j = JSON.readTree(r.out());
    JsonNode sources = j.get("sources");
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (JsonNode s : sources) {
      assertTrue(seen.add(s.get("source").asText()), "one number per document: " + j);
      assertTrue(s.get("passages").size() >= 1);
      assertEquals(s.get("n").asInt(), seen.size());
      // The search relevance of the source's best cited passage, with the raw score beside it.
      double rel = s.get("relevance").asDouble(-1);
      assertTrue(rel > 0 && rel <= 1, "relevance of a cited source: " + s);
      assertTrue(s.get("score").isNumber(), "raw retrieval score kept: " + s);
    }
    int maxMarker = 0;
    var m = java.util.regex.Pattern.compile("\\[(\\d+)]").matcher(j.get("answer").asText());
    while (m.find()) maxMarker = Math.max(maxMarker, Integer.parseInt(m.group(1)));
    assertEquals(sources.size(), maxMarker, "the text cites documents by their numbers: " + j);
    for (JsonNode c : j.get("citations")) assertTrue(c.has("source_n") && c.has("path"));

    Cli.Result text = fathom("ask", "-k", "5", "When does the lease end and when can it be ended?");
    String path = sources.get(0).get("path").asText();
    assertTrue(
        text.out().contains("[1] " + path + " \u2014 "), "same path in text and JSON: " + text);
    assertTrue(text.out().contains(" (relevance "), "the Sources list shows relevance: " + text);

    Cli.Result search = fathom("search", "--json", "lease end");
    JsonNode hit = JSON.readTree(search.out()).get("hits").get(0);
    double rel = hit.get("relevance").asDouble();
    assertTrue(rel > 0 && rel <= 1, search.toString());
    assertTrue(hit.get("score").asDouble() < 0.1, "the raw RRF score is kept: " + hit);
  }

  @Test
  void filtersDocumentsAndBadInput() throws Exception {
    ensureIngested();
    Cli.Result bob = fathom("search", "--json", "--filter", "author=bob", "when does it end");
    JsonNode hits = JSON.readTree(bob.out()).get("hits");
    assertEquals(1, hits.size(), bob.toString());
    assertTrue(hits.get(0).get("source").asText().endsWith("car.html"));
    Cli.Result recent =
        fathom("search", "--json", "--filter", "year>=2023", "--filter", "team=home", "end");
    for (JsonNode h : JSON.readTree(recent.out()).get("hits")) {
      assertTrue(h.get("source").asText().endsWith("lease.md"), recent.toString());
    }

    Cli.Result docs = fathom("documents", "list", "--json");
    assertEquals(2, JSON.readTree(docs.out()).get("documents").size(), docs.toString());
    Cli.Result show = fathom("documents", "show", "--json", notes.resolve("lease.md").toString());
    JsonNode d = JSON.readTree(show.out());
    assertEquals("Lease", d.get("title").asText());
    assertEquals("Ann", d.get("metadata").get("author").get(0).asText());
    assertEquals("home", d.get("metadata").get("team").get(0).asText());

    Cli.Result badName = fathom("ask", "--collection", "Not OK", "x");
    assertEquals(1, badName.exit());
    assertTrue(
        badName.err().startsWith("fathom: --collection: collection name 'Not OK'"),
        badName.toString());
    Cli.Result badFilter = fathom("search", "--filter", "year>=soon", "x");
    assertEquals(1, badFilter.exit());
    assertTrue(badFilter.err().contains("'soon' is neither a number"), badFilter.toString());
    Cli.Result badMeta = fathom("ingest", "--meta", "novalue", notes.toString());
    assertEquals(1, badMeta.exit());
    assertTrue(badMeta.err().contains("KEY=VALUE"), badMeta.toString());
  }

  @Test
  void documentsDeleteRemovesOneDocument() throws Exception {
    Path own = Files.createDirectories(tmp.resolve("own"));
    Files.writeString(own.resolve("a.md"), "# A\n\nAlpha text about apples.\n");
    Files.writeString(own.resolve("b.md"), "# B\n\nBeta text about bananas.\n");
    assertEquals(0, fathom("ingest", "--collection", "fruit", own.toString()).exit());
    Cli.Result del =
        fathom("documents", "delete", "--collection", "fruit", own.resolve("a.md").toString());
    assertEquals(0, del.exit(), del.toString());
    JsonNode left =
        JSON.readTree(fathom("documents", "list", "--collection", "fruit", "--json").out());
    assertEquals(1, left.get("documents").size());
    assertTrue(left.get("documents").get(0).get("id").asText().endsWith("b.md"));
    Cli.Result missing = fathom("documents", "show", "--collection", "fruit", "nope.md");
    assertEquals(1, missing.exit());
    assertTrue(missing.err().contains("no document 'nope.md'"), missing.toString());
  }

  private static synchronized void ensureIngested() {
    if (!Files.isDirectory(data.resolve("index"))) {
      assertEquals(0, fathom("ingest", "--meta", "team=home", notes.toString()).exit());
    }
  }
}
