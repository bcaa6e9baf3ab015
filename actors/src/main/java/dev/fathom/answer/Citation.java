package dev.fathom.answer;

/**
 * A numbered source of an answer.
 *
 * @param n the number used as {@code [n]} in the answer text, from 1
 * @param source file path or document id
 * @param title document title
 * @param start offset of the cited passage in its document text
 * @param end end offset (exclusive) of the passage
 * @param passage the full passage text
 */
public record Citation(int n, String source, String title, int start, int end, String passage) {
  public Citation {
    if (n < 1) throw new IllegalArgumentException("citation numbers start at 1, got " + n);
  }
}
