package dev.fathom.retrieval.text;

/** A half-open character range {@code [start, end)} of some text. */
public record TextSpan(int start, int end) {
  public TextSpan {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException(
          "span must satisfy 0 <= start <= end, got start=" + start + " end=" + end);
    }
  }

  public String of(String text) {
    return text.substring(start, end);
  }

  public int length() {
    return end - start;
  }
}
