package dev.fathom.drafters.engine;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Prefill tokens per second of the same GGUF file opened twice in one JVM, before and after the
 * prefill kernels ({@code -Dfathom.engine.packed-batch} and {@code
 * -Dfathom.engine.blocked-attention} false, then true), alternating round by round, so that load
 * from other processes hits both alike; not a test. Run as {@link DecodeSpeed} is, with {@code
 * dev.fathom.drafters.engine.PrefillSpeed model.gguf [threads] [rounds] [prompts...]} (default
 * prompts 128 and 512, prefilled in chunks of {@link Decoding#PREFILL_CHUNK} as the engine does).
 */
public final class PrefillSpeed {
  private PrefillSpeed() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int[] prompts =
        args.length > 3
            ? Arrays.stream(args, 3, args.length).mapToInt(Integer::parseInt).toArray()
            : new int[] {128, 512};
    String[] names = {"before", "after"};
    LlamaEngine[] engines = new LlamaEngine[2];
    for (int k = 0; k < 2; k++) {
      String on = k == 0 ? "false" : "true";
      System.setProperty("fathom.engine.packed-batch", on);
      System.setProperty("fathom.engine.blocked-attention", on);
      engines[k] = LlamaEngine.open(path, new EngineSettings(threads, 0, null));
    }
    try {
      int vocab = engines[0].config().vocabularySize();
      for (int prompt : prompts) {
        int[] tokens = new int[prompt];
        for (int i = 0; i < prompt; i++) {
          tokens[i] = 1 + (int) ((i * 7919L) % (vocab - 1));
        }
        double[][] tps = new double[2][rounds];
        float[][] logits = new float[2][];
        for (int round = -1; round < rounds; round++) {
          for (int k0 = 0; k0 < 2; k0++) {
            int k = (Math.max(round, 0) + k0) % 2;
            LlamaSequence seq = engines[k].newSequence();
            long t0 = System.nanoTime();
            logits[k] = Decoding.prefill(seq, tokens, 0, prompt);
            double t = prompt / ((System.nanoTime() - t0) / 1e9);
            if (round >= 0) {
              tps[k][round] = t;
            }
          }
        }
        double largest = 0;
        double diff = 0;
        for (int j = 0; j < logits[0].length; j++) {
          largest = Math.max(largest, Math.abs(logits[0][j]));
          diff = Math.max(diff, Math.abs(logits[0][j] - logits[1][j]));
        }
        System.out.printf(
            Locale.ROOT,
            "prompt=%d last-position logits: max |after - before| = %.2e of the largest |logit|%n",
            prompt,
            diff / largest);
        for (int k = 0; k < 2; k++) {
          double[] s = tps[k].clone();
          Arrays.sort(s);
          System.out.printf(
              Locale.ROOT,
              "%s threads=%d prompt=%d %-6s prefill median %6.1f tok/s [%6.1f..%6.1f] rounds %s%n",
              path.getFileName(),
              threads,
              prompt,
              names[k],
              s[rounds / 2],
              s[0],
              s[rounds - 1],
              Arrays.toString(tps[k]));
        }
      }
    } finally {
      for (LlamaEngine e : engines) {
        e.close();
      }
    }
  }
}
