package dev.fathom.drafters.tokenizer;

import java.util.Arrays;

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
    BigramQueue queue = new BigramQueue(n);
    for (int i = 1; i < n; i++) {
      offer(queue, text, scorer, start, length, i - 1, i);
    }
    while (!queue.isEmpty()) {
      int b = queue.poll();
      int left = queue.left(b);
      int right = queue.right(b);
      if (length[left] == 0
          || length[right] == 0
          || length[left] + length[right] != queue.length(b)) {
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
      BigramQueue queue,
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
      queue.add(score, left, right, length[left] + length[right]);
    }
  }

  /**
   * A binary max-heap of candidate pairs kept in parallel primitive arrays: best score first, then
   * the leftmost. Long texts queue hundreds of thousands of pairs, and boxed entries in a {@link
   * java.util.PriorityQueue} cost an object and a pointer chase each.
   */
  private static final class BigramQueue {
    private double[] score;
    private int[] left;
    private int[] right;
    private int[] length;
    private int[] heap;
    private int entries;
    private int size;

    BigramQueue(int capacity) {
      int c = Math.max(16, capacity);
      score = new double[c];
      left = new int[c];
      right = new int[c];
      length = new int[c];
      heap = new int[c];
    }

    boolean isEmpty() {
      return size == 0;
    }

    int left(int entry) {
      return left[entry];
    }

    int right(int entry) {
      return right[entry];
    }

    int length(int entry) {
      return length[entry];
    }

    void add(double s, int l, int r, int len) {
      if (entries == score.length) {
        int c = entries * 2;
        score = Arrays.copyOf(score, c);
        left = Arrays.copyOf(left, c);
        right = Arrays.copyOf(right, c);
        length = Arrays.copyOf(length, c);
      }
      if (size == heap.length) {
        heap = Arrays.copyOf(heap, size * 2);
      }
      int e = entries++;
      score[e] = s;
      left[e] = l;
      right[e] = r;
      length[e] = len;
      int i = size++;
      while (i > 0) { // sift up
        int parent = (i - 1) >>> 1;
        if (!before(e, heap[parent])) {
          break;
        }
        heap[i] = heap[parent];
        i = parent;
      }
      heap[i] = e;
    }

    int poll() {
      int top = heap[0];
      int last = heap[--size];
      int i = 0;
      while (true) { // sift down
        int child = 2 * i + 1;
        if (child >= size) {
          break;
        }
        if (child + 1 < size && before(heap[child + 1], heap[child])) {
          child++;
        }
        if (!before(heap[child], last)) {
          break;
        }
        heap[i] = heap[child];
        i = child;
      }
      if (size > 0) {
        heap[i] = last;
      }
      return top;
    }

    private boolean before(int a, int b) {
      return score[a] != score[b] ? score[a] > score[b] : left[a] < left[b];
    }
  }
}
