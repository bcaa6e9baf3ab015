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
    // The text is the prose without markup (MarkdownText) and without the front matter.
    assertTrue(d.text().startsWith("The lease\n\nThe lease ends"), d.text());
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
  void pdfInformationBecomesMetadataWithIsoDates() throws Exception {
    byte[] pdf;
    try (var doc = new org.apache.pdfbox.pdmodel.PDDocument()) {
      var page = new org.apache.pdfbox.pdmodel.PDPage();
      doc.addPage(page);
      try (var cs = new org.apache.pdfbox.pdmodel.PDPageContentStream(doc, page)) {
        cs.beginText();
        cs.setFont(
            new org.apache.pdfbox.pdmodel.font.PDType1Font(
                org.apache.pdfbox.pdmodel.font.Standard14Fonts.FontName.HELVETICA),
            12);
        cs.newLineAtOffset(50, 700);
        cs.showText("The report text.");
        cs.endText();
      }
      var info = doc.getDocumentInformation();
      info.setAuthor("Ann Lee");
      info.setKeywords("rag; search");
      var created = java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC"));
      created.setTimeInMillis(1709287200000L);
      info.setCreationDate(created);
      var out = new java.io.ByteArrayOutputStream();
      doc.save(out);
      pdf = out.toByteArray();
    }
    var f = DocumentParsers.parse("report.pdf", pdf).metadata().fields();
    assertEquals(List.of("Ann Lee"), f.get("author"));
    assertEquals(List.of("rag", "search"), f.get("keywords"));
    assertEquals(List.of("2024-03-01T10:00:00Z"), f.get("created"));
    assertEquals(OptionalLong.of(1709287200000L), MetadataValues.date(f.get("created").getFirst()));
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
