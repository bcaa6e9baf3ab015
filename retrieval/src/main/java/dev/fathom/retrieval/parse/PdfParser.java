package dev.fathom.retrieval.parse;

import java.io.IOException;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
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
      return new ParsedDocument(title(pdf, fileName), text);
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

  private static String oneLine(String message) {
    return message == null ? "unknown error" : message.replaceAll("\\s+", " ").strip();
  }
}
