package dev.fathom.drafters.tokenizer;

import java.util.Arrays;

/** A growable {@code int[]} so that encoding long texts does not box every id. */
final class IntBuffer {
  private int[] values = new int[16];
  private int size;

  void add(int value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = value;
  }

  void addAll(int[] more) {
    for (int v : more) {
      add(v);
    }
  }

  int[] toArray() {
    return Arrays.copyOf(values, size);
  }
}
