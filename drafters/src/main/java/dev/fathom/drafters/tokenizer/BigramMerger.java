package dev.fathom.drafters.tokenizer;

import java.util.PriorityQueue;

/**
 * The greedy pair-merging loop shared by SentencePiece and byte-level BPE: start from one symbol
 * per code point, and repeatedly merge the adjacent pair with the best score (leftmost on ties)
 * until no pair may merge.
 *
 * <p>As in llama.cpp's {@code llm_tokenizer_spm}, the symbols are a doubly linked list over the
 * text and the candidate pairs sit in a priority queue, so a text of {@code n} characters costs
 * {@code O(n log n)} rather than the {@code O(n^2)} of rescanning all pairs after every merge
 * (llama2.c's loop). A queued pair goes stale when either side has since merged; it is recognised
 * by a changed length and skipped when popped.
 */
final class BigramMerger {
  /** Scores merging {@code text[start, mid)} with {@code text[mid, end)}. */
  @FunctionalInterface
  interface PairScore {
    /** Higher merges first; {@link Double#NaN} when the two may not merge. */
    double score(String text, int start, int mid, int end);
  }

  private record Bigram(double score, int left, int right, int length) {}

  private BigramMerger() {}

  /**
   * Merges {@code text} greedily and returns the start offsets of the final pieces (in order; each
   * piece ends where the next begins, the last at {@code text.length()}).
   */
  static int[] merge(String text, PairScore scorer) {
    int n = text.codePointCount(0, text.length());
    int[] start = new int[n];
    int[] length = new int[n];
    int[] prev = new int[n];
    int[] next = new int[n];
    for (int i = 0, offset = 0; i < n; i++) {
      int chars = Character.charCount(text.codePointAt(offset));
      start[i] = offset;
      length[i] = chars;
      prev[i] = i - 1;
      next[i] = i + 1 < n ? i + 1 : -1;
      offset += chars;
    }
    PriorityQueue<Bigram> queue =
        new PriorityQueue<>(
            Math.max(1, n),
            (a, b) -> a.score != b.score ? Double.compare(b.score, a.score) : a.left - b.left);
    for (int i = 1; i < n; i++) {
      offer(queue, text, scorer, start, length, i - 1, i);
    }
    while (!queue.isEmpty()) {
      Bigram b = queue.poll();
      int left = b.left;
      int right = b.right;
      if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != b.length) {
        continue; // stale: one side merged with something else since this pair was queued
      }
      length[left] += length[right];
      length[right] = 0;
      next[left] = next[right];
      if (next[right] >= 0) {
        prev[next[right]] = left;
      }
      offer(queue, text, scorer, start, length, prev[left], left);
      offer(queue, text, scorer, start, length, left, next[left]);
    }
    int pieces = 0;
    for (int i = 0; i < n; i++) {
      if (length[i] > 0) {
        pieces++;
      }
    }
    int[] starts = new int[pieces];
    for (int i = 0, p = 0; i < n; i++) {
      if (length[i] > 0) {
        starts[p++] = start[i];
      }
    }
    return starts;
  }

  private static void offer(
      PriorityQueue<Bigram> queue,
      String text,
      PairScore scorer,
      int[] start,
      int[] length,
      int left,
      int right) {
    if (left < 0 || right < 0) {
      return;
    }
    int s = start[left];
    int mid = s + length[left];
    int end = mid + length[right];
    double score = scorer.score(text, s, mid, end);
    if (!Double.isNaN(score)) {
      queue.add(new Bigram(score, left, right, length[left] + length[right]));
    }
  }
}
