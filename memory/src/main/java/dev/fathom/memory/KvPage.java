package dev.fathom.memory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One page of a {@link KvCache}: keys and values of {@code pageSize} positions for every layer.
 * Opaque outside this package: only a {@link PrefixCache} holds pages apart from their sequences.
 */
public final class KvPage {
  final float[][] keys;
  final float[][] values;
  // How many sequences hold this page; forks may run on different threads.
  final AtomicInteger refs = new AtomicInteger(1);

  KvPage(int layers, int floats) {
    keys = new float[layers][floats];
    values = new float[layers][floats];
  }

  private KvPage(float[][] keys, float[][] values) {
    this.keys = keys;
    this.values = values;
  }

  long bytes() {
    return 2L * keys.length * keys[0].length * Float.BYTES;
  }

  KvPage copy() {
    float[][] k = new float[keys.length][];
    float[][] v = new float[values.length][];
    for (int l = 0; l < keys.length; l++) {
      k[l] = keys[l].clone();
      v[l] = values[l].clone();
    }
    return new KvPage(k, v);
  }
}
