package dev.fathom.drafters.engine;

import dev.fathom.drafters.sampling.Sampler;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Decode with and without {@code -Dfathom.engine.interleave} in one JVM, alternating round by
 * round; not a test. Opens the file twice (the property is read per matrix at load), checks that
 * the last prompt position's logits agree, then alternates a prefill of {@code prompt} tokens and
 * {@code decode} greedy decode steps and prints per round and as medians the prefill tokens per
 * second and the wall and calling-thread CPU milliseconds per decoded token. On a shared machine
 * read the CPU times (one thread) or the ratios. Run after {@code mvn -pl drafters -am
 * test-compile -Pkernel-bench} with the class path of {@code DecodeBreakdown}: {@code
 * dev.fathom.drafters.engine.InterleaveDecodeAB model.gguf [threads] [rounds] [decode] [prompt]}.
 */
public final class InterleaveDecodeAB {
  private InterleaveDecodeAB() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 6;
    int decode = args.length > 3 ? Integer.parseInt(args[3]) : 32;
    int prompt = args.length > 4 ? Integer.parseInt(args[4]) : 32;
    String[] modes = {"false", "true"};
    LlamaEngine[] engines = new LlamaEngine[2];
    try {
      for (int k = 0; k < 2; k++) {
        System.setProperty("fathom.engine.interleave", modes[k]);
        long t0 = System.nanoTime();
        engines[k] = LlamaEngine.open(path, new EngineSettings(threads, 0, null));
        System.out.printf(
            Locale.ROOT,
            "interleave=%s opened in %.2f s%n",
            modes[k],
            (System.nanoTime() - t0) / 1e9);
      }
      int vocab = engines[0].config().vocabularySize();
      int[] tokens = new int[prompt];
      for (int i = 0; i < prompt; i++) {
        tokens[i] = 1 + (int) ((i * 7919L) % (vocab - 1));
      }
      float[] a = engines[0].newSequence().forward(tokens, false);
      float[] b = engines[1].newSequence().forward(tokens, false);
      float max = 0;
      float diff = 0;
      for (int i = 0; i < a.length; i++) {
        max = Math.max(max, Math.abs(a[i]));
        diff = Math.max(diff, Math.abs(a[i] - b[i]));
      }
      System.out.printf(
          Locale.ROOT, "prompt logits: max |diff| / max |logit| = %.2e%n", diff / max);
      ThreadMXBean bean = ManagementFactory.getThreadMXBean();
      double[][] wall = new double[2][rounds];
      double[][] cpu = new double[2][rounds];
      double[][] prefill = new double[2][rounds];
      for (int round = -1; round < rounds; round++) {
        StringBuilder sb = new StringBuilder(round < 0 ? "warm-up:" : "round " + round + ":");
        for (int j = 0; j < 2; j++) {
          int k = (round + j) % 2 == 0 ? 0 : 1; // alternate which goes first
          LlamaSequence seq = engines[k].newSequence();
          long p0 = System.nanoTime();
          float[] logits = seq.forward(tokens, false);
          double pre = prompt / ((System.nanoTime() - p0) / 1e9);
          long c0 = bean.getCurrentThreadCpuTime();
          long t0 = System.nanoTime();
          for (int i = 0; i < decode; i++) {
            logits = seq.forward(new int[] {Sampler.argmax(logits)}, false);
          }
          double w = (System.nanoTime() - t0) / 1e6 / decode;
          double c = (bean.getCurrentThreadCpuTime() - c0) / 1e6 / decode;
          if (round >= 0) {
            wall[k][round] = w;
            cpu[k][round] = c;
            prefill[k][round] = pre;
          }
          sb.append(
              String.format(
                  Locale.ROOT,
                  "  interleave=%s %.1f ms (cpu %.1f), prefill %.1f tok/s",
                  modes[k],
                  w,
                  c,
                  pre));
        }
        System.out.println(sb);
      }
      for (int k = 0; k < 2; k++) {
        Arrays.sort(wall[k]);
        Arrays.sort(cpu[k]);
        Arrays.sort(prefill[k]);
      }
      System.out.printf(
          Locale.ROOT,
          "MEDIAN prefill of %d tokens: false %.1f tok/s, true %.1f tok/s%n",
          prompt,
          prefill[0][rounds / 2],
          prefill[1][rounds / 2]);
      System.out.printf(
          Locale.ROOT,
          "MEDIAN %s threads=%d ms/token: false %.1f (cpu %.1f), true %.1f (cpu %.1f);"
              + " speed true/false %.2f (cpu %.2f)%n",
          path.getFileName(),
          threads,
          wall[0][rounds / 2],
          cpu[0][rounds / 2],
          wall[1][rounds / 2],
          cpu[1][rounds / 2],
          wall[0][rounds / 2] / wall[1][rounds / 2],
          cpu[0][rounds / 2] / cpu[1][rounds / 2]);
    } finally {
      for (LlamaEngine e : engines) {
        if (e != null) {
          e.close();
        }
      }
    }
  }
}
