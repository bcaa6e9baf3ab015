package dev.fathom.retrieval.parse;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentParsersTest {

  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, UTF_8);
  }

  private Path write(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  private static UnreadableDocumentException unreadable(Path file) {
    return assertThrows(UnreadableDocumentException.class, () -> DocumentParsers.parse(file));
  }

  @Nested
  class Supports {
    @Test
    void acceptsEverySupportedExtensionInAnyCase() {
      for (String name :
          new String[] {"a.txt", "a.text", "a.md", "a.markdown", "a.html", "a.htm", "a.pdf"}) {
        assertTrue(DocumentParsers.supports(Path.of(name)), name);
        assertTrue(DocumentParsers.supports(Path.of(name.toUpperCase())), name.toUpperCase());
      }
    }

    @Test
    void rejectsOtherExtensionsAndNamesWithoutOne() {
      assertFalse(DocumentParsers.supports(Path.of("report.numbers")));
      assertFalse(DocumentParsers.supports(Path.of("Makefile")));
      assertFalse(DocumentParsers.supports(Path.of(".md")));
      assertFalse(DocumentParsers.supports(Path.of("notes.md.bak")));
    }

    @Test
    void unsupportedExtensionIsUnreadableAndNamesTheExtension() throws IOException {
      var e = unreadable(write("report.numbers", "hello"));
      assertTrue(
          e.getMessage().contains("report.numbers: unsupported format (.numbers"), e.getMessage());
    }
  }

  @Nested
  class Markdown {
    @Test
    void titleIsFirstLevelOneHeadingAndFrontMatterIsStripped() throws IOException {
      String body = "Intro line.\n\n# The Real Title #\n\nSome text. More text.\n";
      Path file = write("guide.md", "---\ntitle: ignored\ntags: [a, b]\n---\n" + body);

      ParsedDocument doc = DocumentParsers.parse(file);

      assertEquals("The Real Title", doc.title());
      assertEquals("Intro line.\n\nThe Real Title\n\nSome text. More text.", doc.text());
    }

    @Test
    void headingInsideCodeFenceIsNotTheTitle() throws IOException {
      Path file = write("setup.markdown", "```bash\n# install it\nmake\n```\n\n# Setup\n\nRun.\n");
      assertEquals("Setup", DocumentParsers.parse(file).title());
    }

    @Test
    void withoutHeadingTitleIsFileNameWithoutExtension() throws IOException {
      Path file = write("release-notes.md", "## Only a level two heading\n\nText.\n");
      assertEquals("release-notes", DocumentParsers.parse(file).title());
    }

    @Test
    void textIsShownWithoutMarkupWithWindowsLineEndingsNormalised() throws IOException {
      Path file = write("a.md", "# T\r\n\r\n* item **bold**\r\n");
      assertEquals("T\n\nitem bold", DocumentParsers.parse(file).text());
    }

    @Test
    void dashesLaterInTheFileAreNotFrontMatter() throws IOException {
      String text = "# T\n\n---\n\nAfter a rule.\n";
      assertEquals("T\n\nAfter a rule.", DocumentParsers.parse(write("a.md", text)).text());
    }
  }

  @Nested
  class Html {
    private static final String PAGE =
        """
        <!DOCTYPE html>
        <html><head><title> Page Title </title><style>p { color: red }</style></head>
        <body>
          <nav><a href="/">Home</a> <a href="/about">About</a></nav>
          <h1>Heading</h1>
          <p>First <b>bold</b> paragraph.<br>Second line.</p>
          <div><p>Nested paragraph</p></div>
          <ul><li>one</li><li>two</li></ul>
          <script>var hidden = "script text";</script>
          <noscript>Enable JavaScript</noscript>
        </body></html>
        """;

    @Test
    void titleComesFromTitleElement() throws IOException {
      assertEquals("Page Title", DocumentParsers.parse(write("page.html", PAGE)).title());
    }

    @Test
    void bodyTextHasBlankLinesBetweenBlocksAndDropsScriptStyleNav() throws IOException {
      String text = DocumentParsers.parse(write("page.html", PAGE)).text();
      assertEquals(
          "Heading\n\nFirst bold paragraph.\nSecond line.\n\nNested paragraph\n\none\n\ntwo", text);
    }

    @Test
    void withoutTitleElementTitleIsFirstH1ThenFileName() throws IOException {
      Path withH1 = write("a.htm", "<body><h1>Big <i>Heading</i></h1><p>x</p></body>");
      Path without = write("plain-page.HTML", "<body><p>Just text.</p></body>");
      assertEquals("Big Heading", DocumentParsers.parse(withH1).title());
      assertEquals("plain-page", DocumentParsers.parse(without).title());
    }

    @Test
    void malformedHtmlIsParsedLeniently() throws IOException {
      Path file = write("broken.html", "<p>Unclosed <b>tags<div>and more");
      assertEquals("Unclosed tags\n\nand more", DocumentParsers.parse(file).text());
    }

    @Test
    void preformattedTextKeepsItsLineBreaks() throws IOException {
      Path file = write("code.html", "<p>Before.</p><pre>a  b\nc</pre><p>After.</p>");
      assertEquals("Before.\n\na  b\nc\n\nAfter.", DocumentParsers.parse(file).text());
    }

    @Test
    void pageWithOnlyScriptHasNoText() throws IOException {
      var e = unreadable(write("empty.html", "<html><body><script>x()</script></body></html>"));
      assertTrue(e.getMessage().endsWith("empty.html: no text"), e.getMessage());
    }
  }

  @Nested
  class PlainText {
    @Test
    void shortFirstNonBlankLineIsTheTitle() throws IOException {
      Path file = write("notes.txt", "\n\n  Meeting notes  \nWe met. We talked.\n");
      ParsedDocument doc = DocumentParsers.parse(file);
      assertEquals("Meeting notes", doc.title());
      assertEquals("\n\n  Meeting notes  \nWe met. We talked.\n", doc.text());
    }

    @Test
    void longFirstLineIsNotATitle() throws IOException {
      Path file = write("essay.text", "word ".repeat(40) + "\nmore\n");
      assertEquals("essay", DocumentParsers.parse(file).title());
    }

    @Test
    void byteOrderMarkIsDropped() throws IOException {
      Path file = write("bom.txt", "\uFEFFHello.");
      assertEquals("Hello.", DocumentParsers.parse(file).text());
    }

    @Test
    void nulByteIsBinaryContentAtItsOffset() throws IOException {
      byte[] bytes = "hello world!".getBytes(UTF_8);
      bytes[5] = 0;
      var e = unreadable(write("notes.txt", bytes));
      assertTrue(
          e.getMessage().contains("notes.txt: binary content (NUL byte at offset 5)"),
          e.getMessage());
    }

    @Test
    void invalidUtf8IsRejectedWithItsOffset() throws IOException {
      byte[] latin1 = "café au lait".getBytes(ISO_8859_1);
      var e = unreadable(write("menu.txt", latin1));
      assertTrue(
          e.getMessage().contains("menu.txt: binary content (not valid UTF-8 at byte offset 3)"),
          e.getMessage());
    }

    @Test
    void emptyAndWhitespaceOnlyFilesHaveNoText() throws IOException {
      assertTrue(unreadable(write("empty.txt", "")).getMessage().endsWith("empty.txt: no text"));
      assertTrue(
          unreadable(write("blank.md", " \n\t\n")).getMessage().endsWith("blank.md: no text"));
    }
  }

  @Nested
  class Pdf {
    private byte[] pdf(String title, String... lines) throws IOException {
      try (PDDocument doc = new PDDocument()) {
        PDPage page = new PDPage();
        doc.addPage(page);
        try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
          cs.beginText();
          cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
          cs.setLeading(14);
          cs.newLineAtOffset(72, 700);
          for (String line : lines) {
            cs.showText(line);
            cs.newLine();
          }
          cs.endText();
        }
        if (title != null) doc.getDocumentInformation().setTitle(title);
        var out = new ByteArrayOutputStream();
        doc.save(out);
        return out.toByteArray();
      }
    }

    @Test
    void extractsTextAndDocumentInformationTitle() throws IOException {
      Path file =
          write("paper.pdf", pdf("Attention Is All You Need", "The first line.", "The second."));
      ParsedDocument doc = DocumentParsers.parse(file);
      assertEquals("Attention Is All You Need", doc.title());
      assertTrue(doc.text().contains("The first line.\nThe second."), doc.text());
      assertFalse(doc.text().contains("\r"));
    }

    @Test
    void withoutInformationTitleTitleIsFileName() throws IOException {
      Path file = write("scan-0042.PDF", pdf(" ", "Some text."));
      assertEquals("scan-0042", DocumentParsers.parse(file).title());
    }

    @Test
    void garbageBytesAreNotAValidPdf() throws IOException {
      var e = unreadable(write("broken.pdf", "this is not a PDF at all".getBytes(UTF_8)));
      assertTrue(
          e.getMessage().startsWith(dir.resolve("broken.pdf") + ": not a valid PDF ("),
          e.getMessage());
    }

    @Test
    void truncatedPdfIsNotAValidPdf() throws IOException {
      byte[] whole = pdf(null, "Some text.");
      byte[] half = Arrays.copyOf(whole, whole.length / 3);
      assertThrows(
          UnreadableDocumentException.class, () -> DocumentParsers.parse("half.pdf", half));
    }

    @Test
    void pageWithoutTextHasNoText() throws IOException {
      var e = unreadable(write("blank.pdf", pdf("Blank")));
      assertTrue(e.getMessage().endsWith("blank.pdf: no text"), e.getMessage());
    }

    @Test
    void passwordProtectedPdfIsEncrypted() throws IOException {
      byte[] bytes = protect(pdf("Secret", "Hidden text."), "user", new AccessPermission());
      var e =
          assertThrows(
              UnreadableDocumentException.class, () -> DocumentParsers.parse("secret.pdf", bytes));
      assertEquals("secret.pdf: encrypted PDF (password required)", e.getMessage());
    }

    @Test
    void pdfForbiddingExtractionIsEncrypted() throws IOException {
      AccessPermission noCopy = new AccessPermission();
      noCopy.setCanExtractContent(false);
      byte[] bytes = protect(pdf("Locked", "Hidden text."), "", noCopy);
      var e =
          assertThrows(
              UnreadableDocumentException.class, () -> DocumentParsers.parse("locked.pdf", bytes));
      assertEquals("locked.pdf: encrypted PDF (text extraction not permitted)", e.getMessage());
    }

    @Test
    void ownerPasswordOnlyPdfIsStillRead() throws IOException {
      byte[] bytes = protect(pdf("Printable", "Readable text."), "", new AccessPermission());
      assertTrue(DocumentParsers.parse("open.pdf", bytes).text().contains("Readable text."));
    }

    private byte[] protect(byte[] pdf, String userPassword, AccessPermission permissions)
        throws IOException {
      try (PDDocument doc = Loader.loadPDF(pdf)) {
        var policy = new StandardProtectionPolicy("owner-secret", userPassword, permissions);
        policy.setEncryptionKeyLength(128);
        doc.protect(policy);
        var out = new ByteArrayOutputStream();
        doc.save(out);
        return out.toByteArray();
      }
    }
  }

  @Nested
  class ReadingFiles {
    @Test
    void missingFileIsUnreadable() {
      var e = unreadable(dir.resolve("gone.txt"));
      assertEquals(dir.resolve("gone.txt") + ": no such file", e.getMessage());
    }

    @Test
    void fileWithoutReadPermissionIsUnreadable() throws IOException {
      Path file = write("secret.md", "# Secret\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
      assumeFalse(Files.isReadable(file), "running as a user who can read any file (root)");
      assertEquals(file + ": permission denied", unreadable(file).getMessage());
    }

    @Test
    void directoryIsUnreadable() throws IOException {
      Path sub = Files.createDirectory(dir.resolve("folder.md"));
      assertTrue(unreadable(sub).getMessage().startsWith(sub + ": cannot be read ("));
    }

    @Test
    void bytesParseTheSameAsTheFile() throws IOException {
      String md = "# Title\n\nBody.\n";
      assertEquals(
          DocumentParsers.parse(write("same.md", md)).text(),
          DocumentParsers.parse("same.md", md.getBytes(UTF_8)).text());
    }
  }
}
