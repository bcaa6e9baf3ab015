package dev.fathom.retrieval.parse;

import dev.fathom.retrieval.meta.DocumentMetadata;
import java.util.Objects;

/**
 * The title and plain text extracted from one source document. Passages are cut from {@code text};
 * their offsets are {@code text} offsets mapped through {@code offsets} (see {@link
 * SourceOffsets}), so a Markdown passage shows prose without markup but cites the characters of the
 * file.
 *
 * @param title the document's title (a heading, HTML title, PDF title, or the file name)
 * @param text the extracted text, line endings normalised to {@code \n}
 * @param metadata what the file says about itself (front matter, HTML meta, PDF information)
 * @param offsets where the characters of {@code text} lie in the source
 */
public record ParsedDocument(
    String title, String text, DocumentMetadata metadata, SourceOffsets offsets) {
  public ParsedDocument {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(offsets, "offsets");
    if (title.isBlank()) {
      throw new IllegalArgumentException("title must not be blank, got \"" + title + "\"");
    }
  }

  /** A document that says nothing about itself and whose extracted text is what passages cite. */
  public ParsedDocument(String title, String text) {
    this(title, text, DocumentMetadata.EMPTY, SourceOffsets.identity());
  }

  /** A document with metadata whose extracted text is what passages cite (all but Markdown). */
  public ParsedDocument(String title, String text, DocumentMetadata metadata) {
    this(title, text, metadata, SourceOffsets.identity());
  }
}
