package dev.fathom.retrieval.parse;

import dev.fathom.retrieval.text.TextSpan;
import java.util.Objects;

/**
 * Where each character of a document's extracted text came from in the file, for formats whose
 * passages are shown without their markup (Markdown) but whose citations must point at the
 * characters the author wrote. For every other format the extracted text is the thing cited and the
 * mapping is the identity.
 *
 * <p>Character {@code i} of the extracted text was written at {@code [start[i], end[i])} of the
 * source: usually one character, several for an escape ({@code \*}) or an entity ({@code &amp;}).
 */
public final class SourceOffsets {

  private static final SourceOffsets IDENTITY = new SourceOffsets(null, null);

  private final int[] start;
  private final int[] end;

  private SourceOffsets(int[] start, int[] end) {
    this.start = start;
    this.end = end;
  }

  /** Extracted text offsets are source offsets. */
  public static SourceOffsets identity() {
    return IDENTITY;
  }

  /**
   * @param start source offset where extracted character {@code i} begins, non-decreasing
   * @param end source offset where it ends, {@code end[i] >= start[i]}, non-decreasing
   * @throws IllegalArgumentException when the arrays differ in length or run backwards
   */
  static SourceOffsets of(int[] start, int[] end) {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (start.length != end.length) {
      throw new IllegalArgumentException(
          "start and end must have the same length, got " + start.length + " and " + end.length);
    }
    for (int i = 0; i < start.length; i++) {
      if (start[i] < 0
          || end[i] < start[i]
          || (i > 0 && (start[i] < start[i - 1] || end[i] < end[i - 1]))) {
        throw new IllegalArgumentException(
            "source offsets must satisfy 0 <= start[i] <= end[i] and both be non-decreasing, got start="
                + start[i]
                + " end="
                + end[i]
                + " at "
                + i);
      }
    }
    return new SourceOffsets(start.clone(), end.clone());
  }

  /** Whether extracted offsets are source offsets. */
  public boolean isIdentity() {
    return start == null;
  }

  /**
   * The source range a span of the extracted text came from: from where its first character was
   * written to where its last one ends.
   *
   * @throws IllegalArgumentException when {@code extracted} reaches past the extracted text
   */
  public TextSpan toSource(TextSpan extracted) {
    if (start == null) return extracted;
    if (extracted.end() > start.length) {
      throw new IllegalArgumentException(
          "span end must be <= " + start.length + " (the extracted length), got " + extracted);
    }
    if (extracted.length() == 0) {
      int at = extracted.start() < start.length ? start[extracted.start()] : lastEnd();
      return new TextSpan(at, at);
    }
    return new TextSpan(start[extracted.start()], end[extracted.end() - 1]);
  }

  private int lastEnd() {
    return start.length == 0 ? 0 : end[end.length - 1];
  }
}
