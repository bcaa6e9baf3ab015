package dev.fathom.compressors.recomp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What a question-independent function gives for a text, remembered for the most recently used
 * texts: the same passages and sentences come back question after question. The lock is not held
 * while the value is computed, so two threads may compute the same text once each (harmless: the
 * function is pure).
 */
final class RememberedTexts<V> {

  private final Map<String, V> values;
  private final Function<String, V> compute;

  /**
   * @param capacity texts remembered; the least recently used is forgotten first
   */
  RememberedTexts(int capacity, Function<String, V> compute) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    this.compute = compute;
    this.values =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
            return size() > capacity;
          }
        };
  }

  V of(String text) {
    synchronized (values) {
      V v = values.get(text);
      if (v != null) return v;
    }
    V v = compute.apply(text);
    synchronized (values) {
      values.put(text, v);
    }
    return v;
  }

  /** How many texts are remembered now. */
  int size() {
    synchronized (values) {
      return values.size();
    }
  }
}
