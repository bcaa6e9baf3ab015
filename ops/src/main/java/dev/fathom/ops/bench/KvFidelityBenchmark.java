package dev.fathom.ops.bench;

import dev.fathom.drafters.engine.EvictingSequence;
import dev.fathom.drafters.engine.LlamaEngine;
import dev.fathom.drafters.engine.Sequence;
import dev.fathom.drafters.sampling.Sampler;
import dev.fathom.drafters.tokenizer.Tokenizers;
import dev.fathom.memory.KvEvictionPolicy;
import dev.fathom.memory.TokenSpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code fathom bench kv --budget}: how much a KV eviction policy changes what the model predicts.
 * The model first writes its own long text (sampled at temperature 1 from BOS with a fixed seed —
 * stories260K writes children's stories), then reads it back twice, token by token: once with the
 * full cache, once with the cache bounded to a budget. For every position after the first eviction
 * it reports the mean KL divergence {@code KL(full ‖ evicted)} of the next-token distributions and
 * how often their argmax agrees; then both continue greedily for {@code continuation} tokens, and
 * the fraction of equal tokens, the KV memory kept and the evicting decode speed are reported.
 */
public final class KvFidelityBenchmark {
  private KvFidelityBenchmark() {}

  /** One policy at one budget. */
  public record Row(
      String policy,
      int budget,
      int scored,
      double meanKl,
      double top1,
      double greedyAgreement,
      long kvBytes,
      long fullKvBytes,
      double decodeTokensPerSecond) {
    public Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("policy", policy);
      m.put("budget", budget);
      m.put("scored_positions", scored);
      m.put("mean_kl", meanKl);
      m.put("top1_agreement", top1);
      m.put("greedy_agreement", greedyAgreement);
      m.put("kv_bytes", kvBytes);
      m.put("full_kv_bytes", fullKvBytes);
      m.put("decode_tok_s", decodeTokensPerSecond);
      return m;
    }

    public String toText() {
      return String.format(
          Locale.ROOT,
          "%-14s budget %4d  KL %.4f  top-1 %.3f  greedy %.3f  KV %,d of %,d bytes  decode %.1f tok/s"
              + " (%d positions scored)%n",
          policy,
          budget,
          meanKl,
          top1,
          greedyAgreement,
          kvBytes,
          fullKvBytes,
          decodeTokensPerSecond,
          scored);
    }
  }

  /**
   * @param textTokens tokens of the self-written text (BOS included)
   * @param continuation greedy tokens after it
   * @param budgets KV positions kept, each
   */
  public static List<Row> run(
      LlamaEngine engine,
      int textTokens,
      int continuation,
      int[] budgets,
      List<KvEvictionPolicy> policies,
      long seed) {
    int vocab = engine.config().vocabularySize();
    int[] text = KvBenchmarks.selfWritten(engine, textTokens, seed);
    float[][] full = new float[textTokens][];
    int[] fullGreedy = readAndContinue(engine.newSequence(), text, continuation, full, new long[1]);
    long perPosition = KvBenchmarks.kvBytesPerPosition(engine);
    List<Row> rows = new ArrayList<>();
    List<TokenSpan> sentences =
        KvBenchmarks.sentences(text, Tokenizers.fromGguf(engine.file().metadata()));
    for (KvEvictionPolicy chosen : policies) {
      // The passage policy's blocks are the text's sentences.
      KvEvictionPolicy policy = KvBenchmarks.withBlocks(chosen, sentences);
      for (int budget : budgets) {
        float[][] got = new float[textTokens][];
        long[] decodeNanos = new long[1];
        EvictingSequence seq = new EvictingSequence(engine.newSequence(), policy, budget);
        int[] greedy = readAndContinue(seq, text, continuation, got, decodeNanos);
        double kl = 0;
        int agree = 0;
        int scored = 0;
        for (int p = budget - 1;
            p < textTokens;
            p++) { // the first prediction made after an eviction
          kl += kl(full[p], got[p], vocab);
          agree += Sampler.argmax(full[p]) == Sampler.argmax(got[p]) ? 1 : 0;
          scored++;
        }
        int same = 0;
        for (int i = 0; i < continuation; i++) {
          same += greedy[i] == fullGreedy[i] ? 1 : 0;
        }
        rows.add(
            new Row(
                policy.name(),
                budget,
                scored,
                scored == 0 ? 0 : kl / scored,
                scored == 0 ? 1 : agree / (double) scored,
                same / (double) continuation,
                budget * perPosition,
                (textTokens + continuation) * perPosition,
                continuation * 1e9 / decodeNanos[0]));
      }
    }
    return rows;
  }

  /** Reads {@code text} one token at a time (logits into {@code out}), then continues greedily. */
  private static int[] readAndContinue(
      Sequence seq, int[] text, int continuation, float[][] out, long[] decodeNanos) {
    float[] logits = null;
    for (int p = 0; p < text.length; p++) {
      logits = seq.forward(new int[] {text[p]}, false);
      out[p] = logits;
    }
    int[] greedy = new int[continuation];
    long t0 = System.nanoTime();
    for (int i = 0; i < continuation; i++) {
      greedy[i] = Sampler.argmax(logits);
      if (i + 1 < continuation) {
        logits = seq.forward(new int[] {greedy[i]}, false);
      }
    }
    decodeNanos[0] = Math.max(1, System.nanoTime() - t0);
    return greedy;
  }

  static double kl(float[] p, float[] q, int vocab) {
    float[] ps = KvBenchmarks.softmax(Arrays.copyOf(p, vocab));
    float[] qs = KvBenchmarks.softmax(Arrays.copyOf(q, vocab));
    double kl = 0;
    for (int i = 0; i < vocab; i++) {
      if (ps[i] > 0) {
        kl += ps[i] * (Math.log(ps[i]) - Math.log(Math.max(qs[i], 1e-30)));
      }
    }
    return kl;
  }
}
