package dev.fathom.retrieval.parse;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.testing.OfficeFixtures;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Office, OpenDocument, EPUB and RTF files written in the test, parsed through the registry. */
class TikaParserTest {

  private static ParsedDocument parse(String name, byte[] content) {
    return DocumentParsers.parse(name, content);
  }

  @Test
  void wordParagraphsBecomeBlocksAndTheTitlePropertyIsTheTitle() {
    ParsedDocument doc =
        parse(
            "report.docx",
            OfficeFixtures.docx(
                "Quarterly report", "Revenue rose by nine percent.", "Costs stayed flat."));
    assertEquals("Quarterly report", doc.title());
    assertTrue(
        doc.text().contains("Revenue rose by nine percent.\n\nCosts stayed flat."), doc.text());
    assertTrue(doc.offsets().isIdentity(), "offsets of extracted office text are its own");
  }

  @Test
  void powerPointSlidesAreSeparateBlocks() {
    ParsedDocument doc =
        parse("deck.pptx", OfficeFixtures.pptx("Kafka keeps partitions.", "Pekko runs actors."));
    assertTrue(doc.text().contains("Kafka keeps partitions."), doc.text());
    assertTrue(doc.text().contains("Pekko runs actors."), doc.text());
    assertTrue(
        doc.text().indexOf("Pekko") - doc.text().indexOf("partitions.") > "partitions.".length(),
        "a break between slides: " + doc.text());
  }

  @Test
  void spreadsheetCellsOfARowStayOnOneLine() {
    String[][] rows = {{"City", "Population"}, {"Oslo", "709000"}};
    for (String name : new String[] {"cities.xlsx", "cities.xls"}) {
      byte[] bytes =
          name.endsWith("x")
              ? OfficeFixtures.xlsx("Cities", rows)
              : OfficeFixtures.xls("Cities", rows);
      ParsedDocument doc = parse(name, bytes);
      assertTrue(doc.text().contains("Cities"), name + ": sheet name kept: " + doc.text());
      assertTrue(doc.text().matches("(?s).*Oslo\\s+709000.*"), name + ": " + doc.text());
      assertFalse(doc.text().matches("(?s).*Oslo\\s*\\n\\s*\\n\\s*709000.*"), doc.text());
    }
  }

  @Test
  void openDocumentTextWithItsTitle() {
    ParsedDocument doc =
        parse("minutes.odt", OfficeFixtures.odt("Board minutes", "The board met on Monday."));
    assertEquals("Board minutes", doc.title());
    assertTrue(doc.text().contains("The board met on Monday."), doc.text());
  }

  @Test
  void epubChaptersInSpineOrder() {
    ParsedDocument doc =
        parse("book.epub", OfficeFixtures.epub("A Small Book", "First chapter.", "Second one."));
    assertEquals("A Small Book", doc.title());
    assertTrue(doc.text().indexOf("First chapter.") >= 0, doc.text());
    assertTrue(doc.text().indexOf("Second one.") > doc.text().indexOf("First chapter."));
  }

  @Test
  void rtfParagraphs() {
    ParsedDocument doc = parse("memo.rtf", OfficeFixtures.rtf("Lunch is at noon.", "Bring tea."));
    assertTrue(doc.text().contains("Lunch is at noon."), doc.text());
    assertTrue(doc.text().contains("Bring tea."), doc.text());
    assertEquals("memo", doc.title(), "no title in the file: the file name");
  }

  @Test
  void extensionsAreCaseInsensitive() {
    assertTrue(
        parse("REPORT.DOCX", OfficeFixtures.docx("T", "Body text here.")).text().contains("Body"));
  }

  @Test
  void corruptFilesGetOneLineNamingFileAndFormat() {
    byte[] docx = OfficeFixtures.docx("T", "Some text.");
    byte[] truncated = Arrays.copyOf(docx, docx.length / 2);
    String[][] cases = {
      {"bad.docx", "not a valid Word document"},
      {"bad.pptx", "not a valid PowerPoint presentation"},
      {"bad.xlsx", "not a valid Excel workbook"},
      {"bad.odt", "not a valid OpenDocument text"},
      {"bad.epub", "not a valid EPUB book"},
      {"bad.xls", "not a valid Excel 97-2003 workbook"},
    };
    byte[] garbage = "this is not an office file at all".getBytes();
    for (String[] c : cases) {
      for (byte[] bad : new byte[][] {truncated, garbage}) {
        UnreadableDocumentException e =
            assertThrows(UnreadableDocumentException.class, () -> parse(c[0], bad), c[0]);
        assertTrue(e.getMessage().startsWith(c[0] + ": " + c[1]), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
      }
    }
  }

  @Test
  void anOle2FileNamedDocxIsCalledEncryptedOrMisnamed() {
    byte[] xls = OfficeFixtures.xls("S", new String[] {"a"});
    UnreadableDocumentException e =
        assertThrows(UnreadableDocumentException.class, () -> parse("secret.docx", xls));
    assertTrue(
        e.getMessage().startsWith("secret.docx: encrypted Word document, or an older binary file"),
        e.getMessage());
  }

  @Test
  void garbageRtfIsRefusedOrYieldsNoText() {
    UnreadableDocumentException e =
        assertThrows(
            UnreadableDocumentException.class,
            () -> parse("bad.rtf", new byte[] {0x50, 0x4b, 3, 4, 0, 0, 0}));
    assertTrue(e.getMessage().startsWith("bad.rtf: "), e.getMessage());
  }

  @Test
  void aWordDocumentOverTheTextLimitIsRefusedNamingTheLimit() {
    FormatParser small =
        new TikaParser(
            new org.apache.tika.parser.microsoft.ooxml.OOXMLParser(), "Word document", true, 10);
    UnreadableDocumentException e =
        assertThrows(
            UnreadableDocumentException.class,
            () ->
                small.parse(
                    "long.docx", OfficeFixtures.docx("T", "More than ten characters of text.")));
    assertEquals("long.docx: more than 10 characters of text (the limit per file)", e.getMessage());
  }

  @Test
  void theNewExtensionsAreSupported() {
    for (String ext : new String[] {"docx", "doc", "pptx", "ppt", "xlsx", "xls", "odt", "ods"}) {
      assertTrue(DocumentParsers.supports(java.nio.file.Path.of("a." + ext)), ext);
    }
    for (String ext : new String[] {"odp", "epub", "rtf"}) {
      assertTrue(DocumentParsers.supports(java.nio.file.Path.of("a." + ext)), ext);
    }
  }
}
