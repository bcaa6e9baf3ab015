package dev.fathom.retrieval.meta;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.parse.DocumentParsers;
import dev.fathom.retrieval.parse.ParsedDocument;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FrontMatterTest {

  @Test
  void markdownFrontMatterBecomesMetadataAndLeavesTheText() {
    String md =
        "---\n"
            + "title: Lease\n"
            + "Author: \"Ann Lee\"\n"
            + "year: 2021\n"
            + "tags: [legal, home]\n"
            + "reviewers:\n"
            + "  - Bob\n"
            + "  - 'Cy'\n"
            + "nested:\n"
            + "  deep: skipped\n"
            + "---\n"
            + "# The lease\n\nThe lease ends in May.\n";
    ParsedDocument d = DocumentParsers.parse("lease.md", md.getBytes(StandardCharsets.UTF_8));
    assertEquals("The lease", d.title());
    assertTrue(d.text().startsWith("# The lease"), d.text());
    var f = d.metadata().fields();
    assertEquals(List.of("Ann Lee"), f.get("author"));
    assertEquals(List.of("2021"), f.get("year"));
    assertEquals(List.of("legal", "home"), f.get("tags"));
    assertEquals(List.of("Bob", "Cy"), f.get("reviewers"));
    assertFalse(f.containsKey("nested") || f.containsKey("deep"), f.toString());
  }

  @Test
  void htmlMetaTagsBecomeMetadata() {
    String html =
        "<html><head><title>T</title><meta name=\"author\" content=\"Ann\">"
            + "<meta name=\"keywords\" content=\"rag, search\">"
            + "<meta name=\"viewport\" content=\"width=device-width\">"
            + "<meta property=\"article:published_time\" content=\"2024-03-01\"></head>"
            + "<body><p>Body text.</p></body></html>";
    var f =
        DocumentParsers.parse("a.html", html.getBytes(StandardCharsets.UTF_8)).metadata().fields();
    assertEquals(List.of("Ann"), f.get("author"));
    assertEquals(List.of("rag", "search"), f.get("keywords"));
    assertEquals(List.of("2024-03-01"), f.get("article.published_time"));
    assertFalse(f.containsKey("viewport"));
  }

  @Test
  void valuesReadAsNumbersAndDatesTheWayRangesCompareThem() {
    assertEquals(2020.0, MetadataValues.number(" 2020 ").getAsDouble());
    assertTrue(MetadataValues.number("2020-01-01").isEmpty());
    assertEquals(OptionalLong.of(1709251200000L), MetadataValues.date("2024-03-01"));
    assertEquals(OptionalLong.of(1709287200000L), MetadataValues.date("2024-03-01T10:00:00Z"));
    assertTrue(MetadataValues.date("March 1").isEmpty());
  }

  @Test
  void badMetadataIsRefusedNamingTheKey() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> DocumentMetadata.parseAssignment("author"));
    assertTrue(e.getMessage().contains("KEY=VALUE"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> DocumentMetadata.of("bad key", "x"));
    assertTrue(e.getMessage().contains("'bad key'"), e.getMessage());
  }
}
