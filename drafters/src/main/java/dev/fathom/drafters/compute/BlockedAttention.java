package dev.fathom.drafters.compute;

import dev.fathom.drafters.tensor.BlockAttention;
import dev.fathom.drafters.tensor.EngineSwitch;
import dev.fathom.drafters.tensor.Parallel;
import dev.fathom.memory.KvCache;

/**
 * The CPU's attention over a batch of positions on the Vector API ({@link BlockAttention}): the
 * work is split into jobs of one key-value head and {@link #BLOCK} consecutive positions; each job
 * gathers its head's keys (transposed) and values from the paged cache into per-thread arrays once
 * and runs every query of the block against them. Jobs are ordered head-major, so the causal
 * triangle's cheap early blocks and dear late ones are shared alike among the threads.
 */
final class BlockedAttention {
  /** Positions per job. */
  static final int BLOCK = 16;

  /**
   * Batches of at least this many positions use this path: a decode step's one position too, whose
   * query-head group (8 heads per key-value head in TinyLlama) fills the micro-kernels' 8 query
   * rows, so each cached key and value is read once per group instead of once per query head (with
   * a horizontal sum per score); a one-JVM A/B measured 0.38 → 0.24 ms per layer at 512 cached
   * positions (loaded machine, {@code AttentionSpeed}).
   */
  static final int MIN_POSITIONS = 1;

  /** Below this many multiply-adds the jobs run on the caller (as {@code CpuBackend}'s own). */
  private static final long SERIAL = 1 << 18;

  private BlockedAttention() {}

  private static final class Scratch {
    float[] kT = new float[0];
    float[] v = new float[0];

    /** {@code k·kvDim}: the key offsets {@link BlockAttention#transposeKeys} reads. */
    int[] lanes = new int[BlockAttention.TRANSPOSED_KEYS];

    int lanesFor = -1;
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** {@code true} (default) or {@code false}: whether batches take this path. */
  static final String PROPERTY = "fathom.engine.blocked-attention";

  /** The property's value, read when a backend is created. */
  static boolean enabled() {
    return enabled(System.getProperty(PROPERTY, "true"));
  }

  static boolean enabled(String value) {
    return EngineSwitch.parse(PROPERTY, value);
  }

  /** Whether a batch of {@code n} positions of this shape takes this path. */
  static boolean suits(int n, AttentionShape shape) {
    return n >= MIN_POSITIONS && BlockAttention.suits(shape.headSize());
  }

  static void run(
      Parallel parallel,
      KvCache cache,
      int layer,
      int start,
      int n,
      AttentionShape shape,
      float[] qs,
      float[] att,
      AttentionSink sink) {
    int kvHeads = shape.kvHeads();
    int group = shape.heads() / kvHeads;
    int hs = shape.headSize();
    int qDim = shape.queryDim();
    float scale = (float) (1.0 / Math.sqrt(hs));
    int blocks = (n + BLOCK - 1) / BLOCK;
    boolean[] wants = null;
    BlockAttention.Weights weights = null;
    if (sink != null) {
      wants = new boolean[n];
      for (int i = 0; i < n; i++) {
        wants[i] = sink.wants(i);
      }
      weights = (head, index, w, length) -> sink.record(layer, head, index, w, length);
    }
    boolean[] wanted = wants;
    BlockAttention.Weights recorder = weights;
    Parallel.RangeBody body =
        (from, to) -> {
          Scratch s = SCRATCH.get();
          for (int job = from; job < to; job++) {
            int c = job / blocks;
            int i0 = (job % blocks) * BLOCK;
            int i1 = Math.min(n, i0 + BLOCK);
            int keys = start + i1;
            int tPad = (keys + BlockAttention.KEYS - 1) / BlockAttention.KEYS * BlockAttention.KEYS;
            gather(cache, layer, c * hs, hs, keys, tPad, s);
            BlockAttention.attend(
                qs, qDim, hs, c * group, group, i0, i1, start, scale, s.kT, s.v, tPad, att, wanted,
                recorder);
          }
        };
    long work = 2L * n * shape.heads() * (start + n) * hs;
    if (work <= SERIAL) {
      body.run(0, kvHeads * blocks);
    } else {
      parallel.forRange(0, kvHeads * blocks, body);
    }
  }

  /** Keys {@code 0 .. keys} of the head at {@code kvOff}, transposed, and its values. */
  private static void gather(
      KvCache cache, int layer, int kvOff, int hs, int keys, int tPad, Scratch s) {
    if (s.kT.length < hs * tPad) {
      s.kT = new float[hs * tPad];
    }
    if (s.v.length < hs * tPad) {
      s.v = new float[hs * tPad];
    }
    float[] kT = s.kT;
    float[] v = s.v;
    int kvDim = cache.kvDim();
    if (s.lanesFor != kvDim) {
      for (int k = 0; k < s.lanes.length; k++) {
        s.lanes[k] = k * kvDim;
      }
      s.lanesFor = kvDim;
    }
    int run = BlockAttention.TRANSPOSED_KEYS;
    int page = cache.pageSize();
    for (int t = 0; t < keys; ) {
      float[] kp = cache.keys(layer, t);
      int off = cache.offset(t) + kvOff;
      if (keys - t >= run && page - t % page >= run) {
        // a run of keys within one page: transposed in 16 x 16 tiles (gathering loads on
        // narrower vectors)
        BlockAttention.transposeKeys(kp, off, s.lanes, hs, kT, tPad, t);
        for (int k = 0; k < run; k++) {
          System.arraycopy(cache.values(layer, t), off + k * kvDim, v, (t + k) * hs, hs);
        }
        t += run;
      } else {
        for (int d = 0; d < hs; d++) {
          kT[d * tPad + t] = kp[off + d];
        }
        System.arraycopy(cache.values(layer, t), off, v, t * hs, hs);
        t++;
      }
    }
    for (int d = 0; d < hs; d++) {
      java.util.Arrays.fill(kT, d * tPad + keys, (d + 1) * tPad, 0f);
    }
  }
}
