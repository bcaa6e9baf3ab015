package dev.fathom.drafters.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fathom.drafters.lm.Generation.StopReason;
import dev.fathom.drafters.sampling.Sampler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared prefill and decode loop, on a scripted sequence that records its forward passes. */
class DecodingTest {
  /** Logits whose argmax is the next position: token ids count up from the sequence's length. */
  private static final class Scripted implements Sequence {
    final List<int[]> passes = new ArrayList<>();
    final int capacity;
    int length;

    Scripted(int capacity) {
      this.capacity = capacity;
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public int capacity() {
      return capacity;
    }

    @Override
    public int vocabularySize() {
      return 10_000;
    }

    @Override
    public float[] forward(int[] tokens, boolean allLogits) {
      passes.add(tokens.clone());
      length += tokens.length;
      float[] logits = new float[vocabularySize()];
      logits[length] = 1f;
      return logits;
    }

    @Override
    public void truncate(int n) {
      length = n;
    }
  }

  @Test
  void prefillRunsChunksOfAtMostTheLimitInOrder() {
    int[] prompt = new int[2 * Decoding.PREFILL_CHUNK + 3];
    for (int i = 0; i < prompt.length; i++) {
      prompt[i] = i;
    }
    Scripted seq = new Scripted(4096);
    float[] logits = Decoding.prefill(seq, prompt, 1, prompt.length);
    assertEquals(3, seq.passes.size());
    assertEquals(Decoding.PREFILL_CHUNK, seq.passes.get(0).length);
    assertEquals(1, seq.passes.get(0)[0]);
    assertEquals(2, seq.passes.get(2).length);
    assertEquals(prompt.length - 1, seq.length());
    assertEquals(prompt.length - 1, Sampler.argmax(logits), "logits of the last pass");
    assertThrows(IllegalArgumentException.class, () -> Decoding.prefill(seq, prompt, 5, 5));
  }

  @Test
  void decodeStopsAtMaxTokensAfterThatManyChoicesAndOneFewerPasses() {
    Scripted seq = new Scripted(100);
    float[] logits = Decoding.prefill(seq, new int[] {7, 8});
    List<Integer> got = new ArrayList<>();
    StopReason r =
        Decoding.decode(
            seq,
            logits,
            4,
            Sampler::argmax,
            t -> {
              got.add(t);
              return null;
            });
    assertEquals(StopReason.MAX_TOKENS, r);
    assertEquals(List.of(2, 3, 4, 5), got);
    assertEquals(1 + 3, seq.passes.size());
    assertArrayEquals(new int[] {4}, seq.passes.get(3));
  }

  @Test
  void decodeStopsWhenTheSinkSaysSoOrTheContextIsFull() {
    Scripted seq = new Scripted(5);
    StopReason full =
        Decoding.decode(
            seq, Decoding.prefill(seq, new int[] {1, 2, 3}), 50, Sampler::argmax, t -> null);
    assertEquals(StopReason.CONTEXT_FULL, full);
    assertEquals(5, seq.length());

    Scripted other = new Scripted(50);
    StopReason eos =
        Decoding.decode(
            other,
            Decoding.prefill(other, new int[] {1}),
            50,
            Sampler::argmax,
            t -> t == 3 ? StopReason.EOS : null);
    assertEquals(StopReason.EOS, eos);
    assertEquals(3, other.length(), "the stopping token is not run");
    assertThrows(
        IllegalArgumentException.class,
        () -> Decoding.decode(other, new float[1], 0, Sampler::argmax, t -> null));
  }
}
