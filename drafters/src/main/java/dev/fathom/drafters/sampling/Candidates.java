package dev.fathom.drafters.sampling;

import dev.fathom.drafters.lm.GenerationSettings;
import java.util.Arrays;

/**
 * The tokens left after temperature, top-k, top-p and min-p, with their unnormalised weights {@code
 * exp((logit - max) / T)}. Built without sorting the vocabulary: top-k is a bounded heap over the
 * logits (one comparison for most tokens), and top-p and min-p sort only the tokens above a
 * threshold that provably contains their cut:
 *
 * <ul>
 *   <li>min-p keeps {@code w ≥ minP · wmax}, and {@code wmax = 1} after subtracting the max logit;
 *   <li>top-p keeps the shortest most-likely-first prefix whose mass reaches {@code p}. Tokens with
 *       probability below {@code (1 - p) / V} carry less than {@code 1 - p} in all, so those above
 *       it carry more than {@code p}: the prefix lies among them.
 * </ul>
 *
 * <p>Both cuts are prefixes of the order (weight descending, id ascending), so cutting by the
 * larger threshold first and walking the prefix for top-p with the full mass as denominator gives
 * exactly the set a full sort would. A candidate list of hundreds instead of 150,000 is the point.
 */
final class Candidates {

  // The survivors, most likely first, when not dense.
  private int[] ids = new int[64];
  private float[] weights = new float[64];
  private long[] keys = new long[64];
  private int n;
  private double total;
  // Dense: every token survives; the weights are in denseWeights[0 .. n), in id order.
  private float[] denseWeights;
  private int lastPositive;

  /** Filters {@code l[0 .. vocabSize)} (overwritten with weights when no top-k applies). */
  void filter(float[] l, int vocabSize, GenerationSettings s) {
    float max = l[Sampler.argmax(l, 0, vocabSize)];
    float invT = 1f / s.temperature();
    denseWeights = null;
    if (s.topK() > 0 && s.topK() < vocabSize) {
      topK(l, vocabSize, s.topK(), max, invT);
    } else {
      total = 0;
      lastPositive = 0;
      for (int i = 0; i < vocabSize; i++) {
        float w = (float) Math.exp((l[i] - max) * invT); // -∞ logits give 0
        l[i] = w;
        total += w;
        if (w > 0f) {
          lastPositive = i;
        }
      }
      double threshold = 0;
      if (s.minP() > 0f) {
        threshold = s.minP();
      }
      if (s.topP() < 1f) {
        threshold = Math.max(threshold, total * (1 - s.topP()) / vocabSize);
      }
      if (threshold == 0) {
        denseWeights = l;
        n = vocabSize;
        return;
      }
      above(l, vocabSize, threshold);
    }
    cutTopPAndMinP(s.topP(), s.minP());
  }

  /** The k best by (logit, then lower id), most likely first, with their weights. */
  private void topK(float[] l, int vocabSize, int k, float max, float invT) {
    ensure(k);
    // A min-heap of packed keys: its root is the worst of the best k seen so far.
    long[] heap = keys;
    int size = 0;
    for (int i = 0; i < vocabSize; i++) {
      long key = key(l[i], i);
      if (size < k) {
        heap[size] = key;
        siftUp(heap, size++);
      } else if (key > heap[0]) {
        heap[0] = key;
        siftDown(heap, k);
      }
    }
    Arrays.sort(heap, 0, k);
    total = 0;
    n = 0;
    for (int j = k - 1; j >= 0; j--) {
      int id = id(heap[j]);
      float w = (float) Math.exp((l[id] - max) * invT);
      if (w == 0f) {
        break; // masked or underflowed: no probability left from here on
      }
      ids[n] = id;
      weights[n++] = w;
      total += w;
    }
  }

  /** Tokens whose weight reaches {@code threshold}, most likely first. */
  private void above(float[] w, int vocabSize, double threshold) {
    int m = 0;
    for (int i = 0; i < vocabSize; i++) {
      if (w[i] >= threshold && w[i] > 0f) {
        if (m == keys.length) {
          keys = Arrays.copyOf(keys, 2 * m);
        }
        keys[m++] = key(w[i], i);
      }
    }
    Arrays.sort(keys, 0, m);
    ensure(m);
    n = 0;
    for (int j = m - 1; j >= 0; j--) {
      int id = id(keys[j]);
      ids[n] = id;
      weights[n++] = w[id];
    }
  }

  /** Top-p over {@code total} (the mass before cutting), then min-p; renormalises. */
  private void cutTopPAndMinP(float topP, float minP) {
    if (topP < 1f) {
      double target = topP * total;
      double cumulative = 0;
      for (int j = 0; j < n; j++) {
        cumulative += weights[j];
        if (cumulative >= target) {
          n = j + 1;
          break;
        }
      }
    }
    if (minP > 0f) {
      float floor = minP * weights[0];
      int j = 1;
      while (j < n && weights[j] >= floor) {
        j++;
      }
      n = j;
    }
    total = 0;
    for (int j = 0; j < n; j++) {
      total += weights[j];
    }
  }

  /** The survivor at cumulative mass {@code u · total}, for {@code u} uniform in [0, 1). */
  int draw(double u) {
    double target = u * total;
    double cumulative = 0;
    if (denseWeights != null) {
      for (int i = 0; i < lastPositive; i++) {
        cumulative += denseWeights[i];
        if (cumulative > target) {
          return i;
        }
      }
      return lastPositive;
    }
    for (int j = 0; j < n - 1; j++) {
      cumulative += weights[j];
      if (cumulative > target) {
        return ids[j];
      }
    }
    return ids[n - 1];
  }

  /** Writes the survivors' probabilities into {@code p} (zeros elsewhere). */
  void writeProbabilities(float[] p) {
    if (denseWeights != null) {
      for (int i = 0; i < n; i++) {
        p[i] = (float) (denseWeights[i] / total);
      }
      return;
    }
    for (int j = 0; j < n; j++) {
      p[ids[j]] = (float) (weights[j] / total);
    }
  }

  /**
   * A long whose signed order is (value, then lower id): the float's bits made monotone in the high
   * half, the complemented id in the low half.
   */
  static long key(float value, int id) {
    int bits = Float.floatToRawIntBits(value);
    int monotone = bits ^ ((bits >> 31) & 0x7FFFFFFF);
    return ((long) monotone << 32) | (~id & 0xFFFFFFFFL);
  }

  static int id(long key) {
    return ~(int) key;
  }

  private void ensure(int capacity) {
    if (ids.length < capacity) {
      int c = Math.max(capacity, 2 * ids.length);
      ids = new int[c];
      weights = new float[c];
    }
    if (keys.length < capacity) {
      keys = new long[Math.max(capacity, 2 * keys.length)];
    }
  }

  private static void siftUp(long[] h, int i) {
    long x = h[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (h[parent] <= x) {
        break;
      }
      h[i] = h[parent];
      i = parent;
    }
    h[i] = x;
  }

  private static void siftDown(long[] h, int size) {
    long x = h[0];
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int c = 2 * i + 1;
      if (c + 1 < size && h[c + 1] < h[c]) {
        c++;
      }
      if (x <= h[c]) {
        break;
      }
      h[i] = h[c];
      i = c;
    }
    h[i] = x;
  }
}
