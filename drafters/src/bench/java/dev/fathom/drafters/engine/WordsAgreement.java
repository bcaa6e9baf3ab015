package dev.fathom.drafters.engine;

import dev.fathom.drafters.sampling.Sampler;

import java.nio.file.Path;

/**
 * How far decoding with Q4_K and Q6_K products in 16-bit lanes ({@code -Dfathom.engine.k-words},
 * which rounds each product's input to 8 bits per 256 values) moves a real model's logits: the
 * file opened twice in one JVM, once with the float products and once with the 16-bit ones; greedy
 * decoding on the float engine, and the same tokens fed to both. Prints per step the largest logit
 * difference over the largest logit and whether the greedy token agrees. Not a test. Run after
 * {@code mvn -pl drafters -am test-compile -Pkernel-bench}:
 *
 * <pre>
 * java @jvm.options -Xmx4g -cp "$CP" dev.fathom.drafters.engine.WordsAgreement model.gguf [steps]
 * </pre>
 */
public final class WordsAgreement {
  private WordsAgreement() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    // -Dswitch=fathom.engine.int8-dot compares another activation-rounding path the same way
    String property = System.getProperty("switch", "fathom.engine.k-words");
    System.setProperty(property, "false");
    LlamaEngine floats = LlamaEngine.open(path, new EngineSettings(2, 0, null));
    System.setProperty(property, "true");
    LlamaEngine words = LlamaEngine.open(path, new EngineSettings(2, 0, null));
    try (floats;
        words) {
      LlamaSequence a = floats.newSequence();
      LlamaSequence b = words.newSequence();
      // a fixed prompt of ordinary token ids (BOS, then ids of common subwords)
      int[] prompt = {1, 450, 4996, 17354, 1701, 432, 17204, 975, 278, 17366, 11203, 29889, 450};
      float[] la = a.forward(prompt, false);
      float[] lb = b.forward(prompt, false);
      int agree = 0;
      double worst = 0;
      double sum = 0;
      for (int step = 0; step < steps; step++) {
        float scale = 0;
        float diff = 0;
        for (int j = 0; j < la.length; j++) {
          scale = Math.max(scale, Math.abs(la[j]));
          diff = Math.max(diff, Math.abs(la[j] - lb[j]));
        }
        int ta = Sampler.argmax(la);
        boolean same = ta == Sampler.argmax(lb);
        agree += same ? 1 : 0;
        worst = Math.max(worst, diff / scale);
        sum += diff / scale;
        System.out.printf(
            "step %d: largest difference %.4f of the largest logit, greedy %s%n",
            step, diff / scale, same ? "same" : "differs");
        la = a.forward(new int[] {ta}, false);
        lb = b.forward(new int[] {ta}, false);
      }
      System.out.printf(
          "%d steps: greedy token the same in %d; largest difference: mean %.4f, worst"
              + " %.4f of the largest logit%n",
          steps, agree, sum / steps, worst);
    }
  }
}
