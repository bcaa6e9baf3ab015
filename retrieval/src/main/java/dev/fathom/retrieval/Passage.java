package dev.fathom.retrieval;

import java.util.Objects;

/**
 * A retrievable unit: a span of one source document, cut on sentence boundaries.
 *
 * @param id stable identifier, {@code source + "#" + ordinal}
 * @param source where the text came from (a file path, or a corpus document id)
 * @param title the document title (first heading, HTML title, PDF title, or the file name)
 * @param text the passage text
 * @param start character offset of the passage in the extracted document text (inclusive); for
 *     Markdown, whose passages are shown without markup, the offset in the file as written
 * @param end character offset of the passage in the extracted document text (exclusive); for
 *     Markdown, the offset in the file as written
 */
public record Passage(String id, String source, String title, String text, int start, int end) {
  public Passage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(text, "text");
    if (start < 0 || end < start) {
      throw new IllegalArgumentException(
          "passage offsets must satisfy 0 <= start <= end, got start=" + start + " end=" + end);
    }
  }
}
