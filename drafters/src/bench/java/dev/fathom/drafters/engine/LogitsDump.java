package dev.fathom.drafters.engine;

import dev.fathom.drafters.sampling.Sampler;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Compares the engine's decode logits between two JVMs, for engine switches that are read once per
 * JVM (such as {@code -Dfathom.engine.k-two-streams}); not a test. {@code LogitsDump model.gguf
 * out.bin [threads] [steps]} prefills a fixed 32-token prompt and takes {@code steps} greedy decode
 * steps (one token each, so the matrix–vector path runs), writing every step's logits; {@code
 * LogitsDump compare a.bin b.bin} prints, per step, whether the greedy tokens agree and the largest
 * difference relative to the largest logit (the project's tolerance is 1e-4). Class path as for
 * {@code DecodeBreakdown}.
 */
public final class LogitsDump {
  private LogitsDump() {}

  public static void main(String[] args) throws IOException {
    if (args[0].equals("compare")) {
      compare(Path.of(args[1]), Path.of(args[2]));
      return;
    }
    Path path = Path.of(args[0]);
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    int steps = args.length > 3 ? Integer.parseInt(args[3]) : 8;
    try (LlamaEngine engine = LlamaEngine.open(path, new EngineSettings(threads, 0, null));
        DataOutputStream out = new DataOutputStream(Files.newOutputStream(Path.of(args[1])))) {
      int vocab = engine.config().vocabularySize();
      int[] prompt = new int[32];
      for (int i = 0; i < prompt.length; i++) {
        prompt[i] = 1 + (int) ((i * 7919L) % (vocab - 1));
      }
      LlamaSequence seq = engine.newSequence();
      float[] logits = seq.forward(prompt, false);
      out.writeInt(steps);
      out.writeInt(vocab);
      for (int s = 0; s < steps; s++) {
        logits = seq.forward(new int[] {Sampler.argmax(logits)}, false);
        for (float f : logits) {
          out.writeFloat(f);
        }
      }
    }
  }

  private static void compare(Path a, Path b) throws IOException {
    try (DataInputStream x = new DataInputStream(Files.newInputStream(a));
        DataInputStream y = new DataInputStream(Files.newInputStream(b))) {
      int steps = x.readInt();
      int vocab = x.readInt();
      if (y.readInt() != steps || y.readInt() != vocab) {
        throw new IllegalArgumentException("the two dumps differ in steps or vocabulary size");
      }
      double worst = 0;
      for (int s = 0; s < steps; s++) {
        float[] p = new float[vocab];
        float[] q = new float[vocab];
        for (int i = 0; i < vocab; i++) {
          p[i] = x.readFloat();
          q[i] = y.readFloat();
        }
        float max = 0;
        float diff = 0;
        for (int i = 0; i < vocab; i++) {
          max = Math.max(max, Math.abs(p[i]));
          diff = Math.max(diff, Math.abs(p[i] - q[i]));
        }
        worst = Math.max(worst, diff / max);
        System.out.printf(
            Locale.ROOT,
            "step %d: tokens %d %d, max |diff| / max |logit| = %.2e%n",
            s,
            Sampler.argmax(p),
            Sampler.argmax(q),
            diff / max);
      }
      System.out.printf(Locale.ROOT, "worst %.2e (tolerance 1e-4)%n", worst);
    }
  }
}
