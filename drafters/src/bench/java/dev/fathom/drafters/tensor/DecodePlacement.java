package dev.fathom.drafters.tensor;

import dev.fathom.drafters.sampling.Sampler;

import dev.fathom.drafters.engine.Decoding;
import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.engine.LlamaEngine;
import dev.fathom.drafters.engine.LlamaSequence;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Whether decode speed follows where the per-thread scratch arrays lie; not a test. Prefills a
 * prompt, decodes, prints decode tok/s and the low 12 bits of the scratch arrays' addresses; with
 * {@code shuffle}, allocates a random amount and collects between runs so the arrays move.
 *
 * <pre>
 * java @jvm.options -cp ... dev.fathom.drafters.tensor.DecodePlacement model.gguf prompt runs [shuffle]
 * </pre>
 */
public final class DecodePlacement {
  private DecodePlacement() {}

  static Object keep;

  static final long PAUSE = Long.getLong("pause", 0);

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int prompt = Integer.parseInt(args[1]);
    int runs = Integer.parseInt(args[2]);
    boolean shuffle = args.length > 3 && args[3].equals("shuffle");
    Field uf = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
    uf.setAccessible(true);
    sun.misc.Unsafe u = (sun.misc.Unsafe) uf.get(null);
    Random random = new Random();
    try (LlamaEngine engine = LlamaEngine.open(path, new EngineSettings(1, 0, null))) {
      int vocab = engine.config().vocabularySize();
      int[] tokens = new int[prompt];
      for (int i = 0; i < prompt; i++) {
        tokens[i] = 3 + (int) ((i * 7919L + 13) % (Math.min(vocab, 32000) - 3));
      }
      LlamaSequence seq = engine.newSequence();
      for (int run = 0; run < runs; run++) {
        seq.truncate(0);
        long t0 = System.nanoTime();
        float[] logits = Decoding.prefill(seq, tokens);
        long t1 = System.nanoTime();
        if (PAUSE > 0) {
          Thread.sleep(PAUSE);
          t1 = System.nanoTime();
        }
        StringBuilder groups = new StringBuilder();
        long g = t1;
        for (int i = 0; i < 64; i++) {
          logits = seq.forward(new int[] {Sampler.argmax(logits)}, false);
          if (i % 8 == 7) {
            long now = System.nanoTime();
            groups.append(String.format(Locale.ROOT, " %.1f", (now - g) / 8e6));
            g = now;
          }
        }
        long t2 = System.nanoTime();
        System.out.println("  ms/token by 8:" + groups);
        WordInput in = WordInput.prepared(WordQ4K.LAYOUT, new float[256], 0, 256);
        Field accField = TiledQ4KProduct.class.getDeclaredField("ACCUMULATORS");
        accField.setAccessible(true);
        Object acc = ((ThreadLocal<?>) accField.get(null)).get();
        System.out.printf(
            Locale.ROOT,
            "run %2d [%d %d] prefill %.1f decode %.2f tok/s | q %s scales %s sums %s perm %s acc %s%n",
            run,
            t1,
            t2,
            prompt / ((t1 - t0) / 1e9),
            64 / ((t2 - t1) / 1e9),
            addr(u, in.q),
            addr(u, in.scales),
            addr(u, in.sums),
            addr(u, in.permuted),
            addr(u, acc));
        if (shuffle) {
          keep = new byte[random.nextInt(1 << 20)];
          System.gc();
        }
      }
    }
  }

  private static String addr(sun.misc.Unsafe u, Object array) {
    Object[] holder = {array};
    long oop = u.getInt(holder, (long) u.arrayBaseOffset(Object[].class)) & 0xffffffffL;
    long a = (oop << 3) + 16;
    return String.format(Locale.ROOT, "%x", a & 0xfffff);
  }
}
