package dev.fathom.retrieval.parse;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Entry point for turning files into {@link ParsedDocument}s: picks the parser by extension and
 * turns every way a file can be unusable into one {@link UnreadableDocumentException}, so a bulk
 * ingest can log the reason and carry on.
 *
 * <p>Supported: {@code .txt .text .md .markdown .html .htm .pdf}, and through Apache Tika {@code
 * .docx .doc .pptx .ppt .xlsx .xls .odt .ods .odp .epub .rtf}, case-insensitive. Text formats must
 * be UTF-8.
 */
public final class DocumentParsers {

  private static final FormatParser TEXT = new PlainTextParser();
  private static final FormatParser MARKDOWN = new MarkdownParser();
  private static final FormatParser HTML = new HtmlParser();
  private static final FormatParser PDF = new PdfParser();

  private static final Map<String, FormatParser> BY_EXTENSION =
      withTika(
          Map.of(
              "txt", TEXT,
              "text", TEXT,
              "md", MARKDOWN,
              "markdown", MARKDOWN,
              "html", HTML,
              "htm", HTML,
              "pdf", PDF));

  private static final String SUPPORTED =
      ".txt .text .md .markdown .html .htm .pdf"
          + " .docx .doc .pptx .ppt .xlsx .xls .odt .ods .odp .epub .rtf";

  /** Office, OpenDocument, EPUB and RTF through Tika ({@link TikaParser}). */
  private static Map<String, FormatParser> withTika(Map<String, FormatParser> own) {
    Map<String, FormatParser> all = new java.util.HashMap<>(own);
    all.putAll(TikaParser.byExtension());
    return Map.copyOf(all);
  }

  private DocumentParsers() {}

  /** Whether {@code file}'s extension names a supported format; the content is not examined. */
  public static boolean supports(Path file) {
    Path name = file.getFileName();
    return name != null && BY_EXTENSION.containsKey(extension(name.toString()));
  }

  /**
   * Reads and parses {@code file}.
   *
   * @throws UnreadableDocumentException if the file cannot be read, has an unsupported extension,
   *     is not valid for its format, or yields no text
   */
  public static ParsedDocument parse(Path file) {
    String fileName = file.toString();
    // Check the extension first so an unsupported file is never read.
    parserFor(fileName);
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (AccessDeniedException e) {
      throw new UnreadableDocumentException(fileName, "permission denied", e);
    } catch (NoSuchFileException e) {
      throw new UnreadableDocumentException(fileName, "no such file", e);
    } catch (IOException e) {
      throw new UnreadableDocumentException(
          fileName,
          "cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
          e);
    }
    return parse(fileName, content);
  }

  /**
   * Parses a document that arrived as bytes (from Kafka, an upload) rather than from disk.
   *
   * @param fileName chooses the format by its extension and names the document in errors
   * @throws UnreadableDocumentException as for {@link #parse(Path)}
   */
  public static ParsedDocument parse(String fileName, byte[] content) {
    ParsedDocument doc = parserFor(fileName).parse(fileName, content);
    if (doc.text().isBlank()) {
      throw new UnreadableDocumentException(fileName, "no text");
    }
    return doc;
  }

  private static FormatParser parserFor(String fileName) {
    String ext = extension(fileName);
    FormatParser parser = BY_EXTENSION.get(ext);
    if (parser == null) {
      throw new UnreadableDocumentException(
          fileName,
          ext.isEmpty()
              ? "unsupported format (no extension)"
              : "unsupported format (." + ext + "; expected one of " + SUPPORTED + ")");
    }
    return parser;
  }

  private static String extension(String fileName) {
    int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
    int dot = fileName.lastIndexOf('.');
    return dot > slash + 1 ? fileName.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
  }
}
