package dev.fathom.retrieval.parse;

import dev.fathom.retrieval.meta.DocumentMetadata;
import java.util.Objects;

/**
 * The title and plain text extracted from one source document. Passage offsets downstream refer to
 * {@code text} exactly as held here.
 *
 * @param title the document's title (a heading, HTML title, PDF title, or the file name)
 * @param text the extracted text, line endings normalised to {@code \n}
 * @param metadata what the file says about itself (front matter, HTML meta, PDF information)
 */
public record ParsedDocument(String title, String text, DocumentMetadata metadata) {
  public ParsedDocument {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(metadata, "metadata");
    if (title.isBlank()) {
      throw new IllegalArgumentException("title must not be blank, got \"" + title + "\"");
    }
  }

  /** A document that says nothing about itself. */
  public ParsedDocument(String title, String text) {
    this(title, text, DocumentMetadata.EMPTY);
  }
}
