package dev.fathom.memory;

/**
 * Token positions {@code start .. end-1} of a request's text: one evidence passage or sentence, the
 * unit {@link PassagePolicy} keeps or evicts as a whole.
 *
 * @param start first token index (≥ 0)
 * @param end one past the last token index (> start)
 */
public record TokenSpan(int start, int end) {
  public TokenSpan {
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException(
          "a token span needs 0 ≤ start < end, got " + start + ".." + end);
    }
  }

  public int length() {
    return end - start;
  }
}
