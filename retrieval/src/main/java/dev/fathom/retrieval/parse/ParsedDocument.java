package dev.fathom.retrieval.parse;

import java.util.Objects;

/**
 * The title and plain text extracted from one source document. Passages are cut from {@code text};
 * their offsets are {@code text} offsets mapped through {@code offsets} (see {@link
 * SourceOffsets}), so a Markdown passage shows prose without markup but cites the characters of the
 * file.
 *
 * @param title the document's title (a heading, HTML title, PDF title, or the file name)
 * @param text the extracted text, line endings normalised to {@code \n}
 * @param offsets where the characters of {@code text} lie in the source
 */
public record ParsedDocument(String title, String text, SourceOffsets offsets) {
  public ParsedDocument {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(offsets, "offsets");
    if (title.isBlank()) {
      throw new IllegalArgumentException("title must not be blank, got \"" + title + "\"");
    }
  }

  /** A document whose extracted text is what passages cite (every format but Markdown). */
  public ParsedDocument(String title, String text) {
    this(title, text, SourceOffsets.identity());
  }
}
