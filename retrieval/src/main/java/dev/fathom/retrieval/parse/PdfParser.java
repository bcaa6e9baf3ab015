package dev.fathom.retrieval.parse;

import dev.fathom.retrieval.meta.DocumentMetadata;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/** PDF: the text PDFBox's {@link PDFTextStripper} finds, in content-stream order. */
final class PdfParser implements FormatParser {

  @Override
  public ParsedDocument parse(String fileName, byte[] content) {
    try (PDDocument pdf = Loader.loadPDF(content)) {
      // Owner-password-only encryption (common for "print-protected" files) opens without a
      // password; refuse only when the author has withheld text extraction.
      if (pdf.isEncrypted() && !pdf.getCurrentAccessPermission().canExtractContent()) {
        throw new UnreadableDocumentException(
            fileName, "encrypted PDF (text extraction not permitted)");
      }
      PDFTextStripper stripper = new PDFTextStripper();
      stripper.setLineSeparator("\n");
      // A blank line after each paragraph the stripper detects gives the sentence splitter a
      // boundary where the layout had one.
      stripper.setParagraphEnd("\n");
      String text = Utf8Text.normaliseLineEndings(stripper.getText(pdf)).replace("\u0000", "");
      return new ParsedDocument(title(pdf, fileName), text, meta(pdf.getDocumentInformation()));
    } catch (InvalidPasswordException e) {
      throw new UnreadableDocumentException(fileName, "encrypted PDF (password required)", e);
    } catch (IOException | RuntimeException e) {
      if (e instanceof UnreadableDocumentException u) throw u;
      // PDFBox reports corrupt input as IOException but also as assorted runtime exceptions from
      // deep in its parser; either way the file is unusable, and the caller should hear why.
      throw new UnreadableDocumentException(
          fileName, "not a valid PDF (" + oneLine(e.getMessage()) + ")", e);
    }
  }

  private static String title(PDDocument pdf, String fileName) {
    String title = pdf.getDocumentInformation().getTitle();
    return title != null && !title.isBlank() ? title.strip() : Utf8Text.baseName(fileName);
  }

  /**
   * The information dictionary: author, subject, keywords (split on commas or semicolons), creator
   * and the creation and modification dates (as ISO-8601 UTC, so date filters compare them).
   */
  private static DocumentMetadata meta(PDDocumentInformation info) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    put(out, "author", info.getAuthor());
    put(out, "subject", info.getSubject());
    if (info.getKeywords() != null) {
      for (String k : info.getKeywords().split("[,;]")) put(out, "keywords", k);
    }
    put(out, "creator", info.getCreator());
    put(out, "created", iso(info.getCreationDate()));
    put(out, "modified", iso(info.getModificationDate()));
    return new DocumentMetadata(out);
  }

  private static void put(Map<String, List<String>> out, String key, String value) {
    if (value == null || value.isBlank() || value.length() > DocumentMetadata.MAX_VALUE_CHARS) {
      return;
    }
    List<String> values = out.computeIfAbsent(key, k -> new ArrayList<>());
    if (values.size() < DocumentMetadata.MAX_VALUES) values.add(value.strip());
  }

  private static String iso(Calendar c) {
    return c == null ? null : c.toInstant().toString();
  }

  private static String oneLine(String message) {
    return message == null ? "unknown error" : message.replaceAll("\\s+", " ").strip();
  }
}
