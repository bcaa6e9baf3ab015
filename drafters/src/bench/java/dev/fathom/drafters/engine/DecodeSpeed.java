package dev.fathom.drafters.engine;

import dev.fathom.drafters.sampling.Sampler;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Prefill and decode speed of a GGUF model; not a test. Run after {@code mvn -pl drafters
 * test-compile -Pkernel-bench}:
 *
 * <pre>
 * java @jvm.options -cp drafters/target/classes:drafters/target/test-classes:$(cat cp.txt) \
 *   dev.fathom.drafters.engine.DecodeSpeed model.gguf [threads] [prompt] [decode] [runs]
 * </pre>
 *
 * Each run prefills {@code prompt} tokens (default 128) in one batch, then decodes {@code decode}
 * (default 64) greedy tokens one at a time; the medians of the runs after a warm-up are printed.
 * Decode GB/s is the weights read per token ({@link LlamaModel#bytesPerToken}) times tokens/s.
 */
public final class DecodeSpeed {
  private DecodeSpeed() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int prompt = args.length > 2 ? Integer.parseInt(args[2]) : 128;
    int decode = args.length > 3 ? Integer.parseInt(args[3]) : 64;
    int runs = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    try (LlamaEngine engine = LlamaEngine.open(path, new EngineSettings(threads, 0, null))) {
      int vocab = engine.config().vocabularySize();
      long bytes = engine.model().bytesPerToken();
      int[] tokens = new int[prompt];
      for (int i = 0; i < prompt; i++) {
        tokens[i] = 1 + (int) ((i * 7919L) % (vocab - 1));
      }
      double[] prefill = new double[runs];
      double[] dec = new double[runs];
      for (int run = -1; run < runs; run++) {
        LlamaSequence seq = engine.newSequence();
        long t0 = System.nanoTime();
        float[] logits = seq.forward(tokens, false);
        long t1 = System.nanoTime();
        for (int i = 0; i < decode; i++) {
          logits = seq.forward(new int[] {Sampler.argmax(logits)}, false);
        }
        long t2 = System.nanoTime();
        double p = prompt / ((t1 - t0) / 1e9);
        double d = decode / ((t2 - t1) / 1e9);
        System.out.printf(
            Locale.ROOT,
            "%s run %d: prefill %d tok %.1f tok/s, decode %d tok %.2f tok/s = %.1f GB/s%n",
            run < 0 ? "warm-up" : "",
            run,
            prompt,
            p,
            decode,
            d,
            d * bytes / 1e9);
        if (run >= 0) {
          prefill[run] = p;
          dec[run] = d;
        }
      }
      Arrays.sort(prefill);
      Arrays.sort(dec);
      double pm = prefill[runs / 2];
      double dm = dec[runs / 2];
      System.out.printf(
          Locale.ROOT,
          "MEDIAN %s threads=%d: prefill %.1f tok/s, decode %.2f tok/s = %.1f GB/s (%d MB/token)%n",
          path.getFileName(),
          threads,
          pm,
          dm,
          dm * bytes / 1e9,
          bytes >> 20);
    }
  }
}
