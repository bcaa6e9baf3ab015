package dev.fathom.drafters.speculative;

import java.util.Arrays;

/** A growable list of ints without boxing. */
final class IntList {
  private int[] a = new int[16];
  private int size;

  static IntList of(int[] values) {
    IntList l = new IntList();
    for (int v : values) {
      l.add(v);
    }
    return l;
  }

  void add(int v) {
    if (size == a.length) {
      a = Arrays.copyOf(a, size * 2);
    }
    a[size++] = v;
  }

  int size() {
    return size;
  }

  void truncate(int n) {
    size = n;
  }

  /** The backing array; only the first {@link #size()} entries are meaningful. */
  int[] raw() {
    return a;
  }

  int[] toArray() {
    return Arrays.copyOf(a, size);
  }

  /** The contents, leaving the list empty. */
  /** Drops all but the last {@code n} values (all are kept when there are at most n). */
  void keepLast(int n) {
    if (size > n) {
      System.arraycopy(a, size - n, a, 0, n);
      size = n;
    }
  }

  int[] drain() {
    int[] out = toArray();
    size = 0;
    return out;
  }
}
