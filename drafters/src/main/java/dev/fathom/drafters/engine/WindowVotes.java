package dev.fathom.drafters.engine;

/**
 * SnapKV's observation window (Li et al. 2024, §4): the attention rows of the last {@code window}
 * queries, per layer and key/value head (the query heads of a group summed), kept in a ring so an
 * eviction can read the window's votes at any time. A query's row covers the positions cached when
 * it ran; positions added after it get no vote from it, as in the paper's causal mask.
 */
final class WindowVotes implements AttentionRecorder {
  private final int window;
  private final int group;
  // [layer][kv head][slot][position]: one slot per query of the window.
  private final float[][][][] rows;
  private long firstToken;
  private int batch;

  WindowVotes(ModelConfig config, int window, int capacity) {
    this.window = window;
    this.group = config.heads() / config.kvHeads();
    this.rows = new float[config.layers()][config.kvHeads()][window][capacity];
  }

  /** Before a forward pass of {@code n} tokens, the {@code seen}-th onwards of the stream. */
  void begin(long seen, int n) {
    this.firstToken = seen;
    this.batch = n;
    for (int i = Math.max(0, n - window); i < n; i++) {
      int slot = (int) ((seen + i) % window);
      for (float[][][] layer : rows) {
        for (float[][] head : layer) {
          java.util.Arrays.fill(head[slot], 0f);
        }
      }
    }
  }

  @Override
  public boolean wants(int index) {
    return index >= batch - window;
  }

  @Override
  public void record(int layer, int head, int index, float[] weights, int length) {
    float[] row = rows[layer][head / group][(int) ((firstToken + index) % window)];
    synchronized (row) { // the query heads of one group write the same row
      for (int p = 0; p < length; p++) {
        row[p] += weights[p];
      }
    }
  }

  /** The window's votes for positions {@code 0 .. length-1} of one key/value head. */
  double[] votes(int layer, int kvHead, int length) {
    double[] v = new double[length];
    for (float[] row : rows[layer][kvHead]) {
      for (int p = 0; p < length; p++) {
        v[p] += row[p];
      }
    }
    return v;
  }

  /** Follows a per-head compaction: position {@code keep[i]} of the head is now {@code i}. */
  void compact(int layer, int kvHead, int[] keep) {
    for (float[] row : rows[layer][kvHead]) {
      for (int i = 0; i < keep.length; i++) {
        row[i] = row[keep[i]];
      }
      java.util.Arrays.fill(row, keep.length, row.length, 0f);
    }
  }
}
