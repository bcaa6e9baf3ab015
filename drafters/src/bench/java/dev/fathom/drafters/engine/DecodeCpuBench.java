package dev.fathom.drafters.engine;

import dev.fathom.drafters.sampling.Sampler;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code fathom bench engine}'s generation loop (prefill of {@code prompt} tokens through {@link
 * Decoding#prefill}, then {@code decode} greedy single-token passes through {@link
 * Decoding#decode}) timed by wall clock <em>and</em> by the calling thread's CPU time, for A/B runs
 * of engine switches on a shared machine, one JVM per switch value; not a test. With one thread
 * every product runs on the caller, so its CPU time is the whole decode's. Prints one line per run
 * after one warm-up run, then the medians. Class path as for {@code DecodeBreakdown}: {@code
 * DecodeCpuBench model.gguf [threads] [runs] [prompt] [decode]}.
 */
public final class DecodeCpuBench {
  private DecodeCpuBench() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int promptTokens = args.length > 3 ? Integer.parseInt(args[3]) : 128;
    int decode = args.length > 4 ? Integer.parseInt(args[4]) : 32;
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    try (LlamaEngine engine = LlamaEngine.open(path, new EngineSettings(threads, 0, null))) {
      int vocab = engine.config().vocabularySize();
      int[] prompt = new int[promptTokens];
      for (int i = 0; i < promptTokens; i++) {
        prompt[i] = 1 + (int) ((i * 7919L) % (vocab - 1));
      }
      LlamaSequence seq = engine.newSequence();
      double[] tokS = new double[runs];
      double[] cpuMs = new double[runs];
      for (int r = -1; r < runs; r++) {
        seq.truncate(0);
        float[] logits = Decoding.prefill(seq, prompt);
        long c0 = bean.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        Decoding.decode(seq, logits, decode + 1, Sampler::argmax, token -> null);
        long wall = System.nanoTime() - t0;
        long cpu = bean.getCurrentThreadCpuTime() - c0;
        if (r >= 0) {
          tokS[r] = decode / (wall / 1e9);
          cpuMs[r] = cpu / 1e6 / decode;
          System.out.printf(
              Locale.ROOT,
              "run %d: decode %.2f tok/s wall, %.1f ms CPU per token%n",
              r,
              tokS[r],
              cpuMs[r]);
        }
      }
      Arrays.sort(tokS);
      Arrays.sort(cpuMs);
      System.out.printf(
          Locale.ROOT,
          "median: decode %.2f tok/s wall, %.1f ms CPU per token%n",
          tokS[runs / 2],
          cpuMs[runs / 2]);
    }
  }
}
