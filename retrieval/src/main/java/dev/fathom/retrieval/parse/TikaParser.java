package dev.fathom.retrieval.parse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.TikaException;
import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.epub.EpubParser;
import org.apache.tika.parser.microsoft.OfficeParser;
import org.apache.tika.parser.microsoft.ooxml.OOXMLParser;
import org.apache.tika.parser.microsoft.rtf.RTFParser;
import org.apache.tika.parser.odf.OpenDocumentParser;
import org.apache.tika.sax.ToXMLContentHandler;
import org.apache.tika.sax.WriteOutContentHandler;
import org.xml.sax.SAXException;

/**
 * Word, PowerPoint, Excel (OOXML and the older binary formats), OpenDocument, EPUB and RTF, through
 * Apache Tika. Tika turns each into XHTML (headings, paragraphs, table rows, slides); that XHTML
 * goes through {@link HtmlParser}, so an office document gets the same block breaks, whitespace
 * rules and title fallbacks as a web page, and the chunker sees the same kind of text.
 *
 * <p>Passage offsets are offsets into this extracted text (as for PDF and HTML). Each format has
 * its own Tika parser, chosen by extension, rather than Tika's content detection: the extension
 * already chose this class, and a file that is not what its name says should fail, not be read as
 * something else. Embedded objects (a spreadsheet inside a slide) are not descended into.
 */
final class TikaParser implements FormatParser {

  /** The signature of an OLE2 compound file (Office 97-2003, and encrypted OOXML). */
  private static final byte[] OLE2 = {
    (byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1
  };

  /** Most characters of text taken from one file; far above any real document, below the heap. */
  static final int MAX_CHARS = 16 << 20;

  private final Supplier<Parser> parser;
  private final String formatName;
  private final boolean zipped;
  private final int maxChars;

  /**
   * @param zipped whether the format is a zip archive (OOXML, OpenDocument, EPUB), whose central
   *     directory is checked first: POI and Tika read a truncated archive as far as it goes and
   *     report an empty document, where the user should hear that the file is damaged
   */
  TikaParser(Parser parser, String formatName, boolean zipped, int maxChars) {
    this(() -> parser, formatName, zipped, maxChars);
    Objects.requireNonNull(parser, "parser");
  }

  /**
   * @param parser made on first use: Tika and POI load thousands of classes, which a run that
   *     ingests only text and Markdown should not pay for
   */
  private TikaParser(Supplier<Parser> parser, String formatName, boolean zipped, int maxChars) {
    this.parser = memoized(Objects.requireNonNull(parser, "parser"));
    this.formatName = Objects.requireNonNull(formatName, "formatName");
    this.zipped = zipped;
    if (maxChars < 1) throw new IllegalArgumentException("maxChars must be >= 1, got " + maxChars);
    this.maxChars = maxChars;
  }

  /** The parsers Fathom registers, by lower-case extension. */
  static Map<String, FormatParser> byExtension() {
    Supplier<Parser> ooxml = memoized(OOXMLParser::new);
    Supplier<Parser> office = memoized(OfficeParser::new);
    Supplier<Parser> odf = memoized(OpenDocumentParser::new);
    return Map.ofEntries(
        Map.entry("docx", new TikaParser(ooxml, "Word document", true, MAX_CHARS)),
        Map.entry("doc", new TikaParser(office, "Word 97-2003 document", false, MAX_CHARS)),
        Map.entry("pptx", new TikaParser(ooxml, "PowerPoint presentation", true, MAX_CHARS)),
        Map.entry(
            "ppt", new TikaParser(office, "PowerPoint 97-2003 presentation", false, MAX_CHARS)),
        Map.entry("xlsx", new TikaParser(ooxml, "Excel workbook", true, MAX_CHARS)),
        Map.entry("xls", new TikaParser(office, "Excel 97-2003 workbook", false, MAX_CHARS)),
        Map.entry("odt", new TikaParser(odf, "OpenDocument text", true, MAX_CHARS)),
        Map.entry("ods", new TikaParser(odf, "OpenDocument spreadsheet", true, MAX_CHARS)),
        Map.entry("odp", new TikaParser(odf, "OpenDocument presentation", true, MAX_CHARS)),
        Map.entry("epub", new TikaParser(EpubParser::new, "EPUB book", true, MAX_CHARS)),
        Map.entry("rtf", new TikaParser(RTFParser::new, "RTF document", false, MAX_CHARS)));
  }

  @Override
  public ParsedDocument parse(String fileName, byte[] content) {
    ToXMLContentHandler xhtml = new ToXMLContentHandler();
    WriteOutContentHandler limited = new WriteOutContentHandler(xhtml, maxChars);
    Metadata metadata = new Metadata();
    if (zipped) checkArchive(fileName, content);
    try (TikaInputStream in = TikaInputStream.get(content)) {
      parser.get().parse(in, limited, metadata, new ParseContext());
    } catch (EncryptedDocumentException e) {
      throw new UnreadableDocumentException(fileName, "encrypted " + formatName, e);
    } catch (SAXException e) {
      if (WriteLimitReachedException.isWriteLimitReached(e)) {
        throw new UnreadableDocumentException(
            fileName, "more than " + maxChars + " characters of text (the limit per file)", e);
      }
      throw invalid(fileName, e);
    } catch (LinkageError e) {
      // A parser reached for a library this build leaves out (see the root pom's exclusions).
      throw new UnreadableDocumentException(
          fileName, formatName + " needs a library this build leaves out (" + oneLine(e) + ")", e);
    } catch (IOException | TikaException | RuntimeException e) {
      // POI and the zip readers report damaged input as any of these, from deep in the parser;
      // either way the file is unusable, and the caller should hear why.
      throw invalid(fileName, e);
    }
    ParsedDocument html =
        new HtmlParser().parse(fileName, xhtml.toString().getBytes(StandardCharsets.UTF_8));
    String title = metadata.get(TikaCoreProperties.TITLE);
    return new ParsedDocument(
        title != null && !title.isBlank() ? title.strip() : html.title(), html.text());
  }

  /** {@code make} called once, on first use, by whichever thread gets there first. */
  private static <T> Supplier<T> memoized(Supplier<T> make) {
    return new Supplier<>() {
      private volatile T value;

      @Override
      public T get() {
        T v = value;
        if (v == null) {
          synchronized (this) {
            if (value == null) value = make.get();
            v = value;
          }
        }
        return v;
      }
    };
  }

  private void checkArchive(String fileName, byte[] content) {
    if (content.length >= OLE2.length
        && java.util.Arrays.equals(content, 0, OLE2.length, OLE2, 0, OLE2.length)) {
      // Office stores a password-protected OOXML file inside an OLE2 container.
      throw new UnreadableDocumentException(
          fileName,
          "encrypted "
              + formatName
              + ", or an older binary file given this extension (an OLE2 container, not a zip"
              + " archive)");
    }
    try (ZipFile zip =
        ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(content)).get()) {
      if (!zip.getEntries().hasMoreElements()) throw new IOException("an empty archive");
    } catch (IOException | RuntimeException e) {
      throw new UnreadableDocumentException(
          fileName,
          // The zip reader's own words name its in-memory channel, nothing the user can act on.
          "not a valid " + formatName + " (damaged, or not a zip archive)",
          e);
    }
  }

  private UnreadableDocumentException invalid(String fileName, Throwable e) {
    return new UnreadableDocumentException(
        fileName, "not a valid " + formatName + " (" + oneLine(e) + ")", e);
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage();
    String text = m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    text = text.replaceAll("\\s+", " ").strip();
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
