package dev.fathom.retrieval.parse;

import java.util.Objects;

/**
 * The title and plain text extracted from one source document. Passage offsets downstream refer to
 * {@code text} exactly as held here.
 *
 * @param title the document's title (a heading, HTML title, PDF title, or the file name)
 * @param text the extracted text, line endings normalised to {@code \n}
 */
public record ParsedDocument(String title, String text) {
  public ParsedDocument {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(text, "text");
    if (title.isBlank()) {
      throw new IllegalArgumentException("title must not be blank, got \"" + title + "\"");
    }
  }
}
