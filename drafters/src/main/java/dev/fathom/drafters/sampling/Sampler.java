package dev.fathom.drafters.sampling;

import dev.fathom.drafters.lm.GenerationSettings;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Picks the next token from a model's logits as {@link GenerationSettings} say, in this order:
 *
 * <ol>
 *   <li><b>repetition penalty</b> with llama.cpp's semantics: each distinct token among the last
 *       {@code repetitionWindow} entries of the history has its logit divided by the penalty when
 *       positive and multiplied by it when negative (CTRL, Keskar et al. 2019, eq. 1, as llama.cpp
 *       implements it);
 *   <li><b>greedy</b> when the temperature is 0: the arg-max, the lowest id on ties;
 *   <li>otherwise <b>temperature</b>, then <b>top-k</b>, <b>top-p</b> (nucleus, Holtzman et al.
 *       2020, §3.1) and <b>min-p</b> (Nguyen et al. 2024), then a draw from the renormalised rest.
 * </ol>
 *
 * <p>The order is Hugging Face transformers' (temperature before the filters). llama.cpp's default
 * chain applies the temperature last, so at a temperature other than 1 its top-p and min-p sets
 * differ from these. Candidates are ordered by probability, then by id, so ties at a cut-off keep
 * the lower ids.
 *
 * <p>The random source is a {@link SplittableRandom} seeded with {@code settings.seed()}: the same
 * seed, settings and logits give the same tokens on every JVM. A sampler keeps scratch buffers and
 * its random state, so it serves one generation on one thread.
 */
public final class Sampler {

  private static final int[] NO_HISTORY = new int[0];

  private final GenerationSettings settings;
  private final RandomGenerator random;
  private final Candidates candidates = new Candidates();
  private float[] scratch = new float[0];

  /** A sampler with its own {@link SplittableRandom} seeded from {@code settings.seed()}. */
  public Sampler(GenerationSettings settings) {
    this(settings, new SplittableRandom(settings.seed()));
  }

  /** A sampler drawing from {@code random} (shared with, e.g., a speculative decoder's checks). */
  public Sampler(GenerationSettings settings, RandomGenerator random) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.random = Objects.requireNonNull(random, "random");
  }

  public GenerationSettings settings() {
    return settings;
  }

  /** The random source this sampler draws from. */
  public RandomGenerator random() {
    return random;
  }

  /** Samples from all of {@code logits} with no history (so no repetition penalty). */
  public int sample(float[] logits) {
    return sample(logits, logits.length, NO_HISTORY, 0);
  }

  /**
   * Samples one token id. {@code logits} is not modified.
   *
   * @param logits one score per token; entries from {@code vocabSize} on are ignored (padding)
   * @param vocabSize tokens to consider, {@code 1 .. logits.length}
   * @param history earlier tokens (prompt and generated); the penalty looks at the last {@code
   *     repetitionWindow} of {@code history[0 .. historyLength)}
   * @param historyLength how many entries of {@code history} are in use
   * @throws IllegalArgumentException when a logit is NaN or +∞, none is finite, or an argument is
   *     out of range
   */
  public int sample(float[] logits, int vocabSize, int[] history, int historyLength) {
    float[] l = prepare(logits, vocabSize, history, historyLength);
    if (settings.greedy()) {
      return argmax(l, 0, vocabSize);
    }
    candidates.filter(l, vocabSize, settings);
    return candidates.draw(random.nextDouble());
  }

  /** The final distribution over all of {@code logits}, with no history. */
  public float[] probabilities(float[] logits) {
    return probabilities(logits, logits.length, NO_HISTORY, 0);
  }

  /**
   * The distribution {@link #sample} draws from, after the penalty, temperature and every filter,
   * as a dense array of {@code vocabSize} probabilities (zero for filtered tokens). Greedy settings
   * give the one-hot distribution of the arg-max, the limit of the softmax as the temperature goes
   * to 0. Speculative decoding needs these distributions, not only samples. Draws nothing.
   */
  public float[] probabilities(float[] logits, int vocabSize, int[] history, int historyLength) {
    float[] l = prepare(logits, vocabSize, history, historyLength);
    float[] p = new float[vocabSize];
    if (settings.greedy()) {
      p[argmax(l, 0, vocabSize)] = 1f;
    } else {
      candidates.filter(l, vocabSize, settings);
      candidates.writeProbabilities(p);
    }
    return p;
  }

  /**
   * Draws an index with probability proportional to {@code weights[i]}. The weights need not sum to
   * 1: speculative decoding draws from the unnormalised residual {@code max(0, p - q)}.
   *
   * @throws IllegalArgumentException when a weight is negative or NaN, or all are zero
   */
  public static int sampleFrom(float[] weights, RandomGenerator random) {
    double total = 0;
    int last = -1;
    for (int i = 0; i < weights.length; i++) {
      float w = weights[i];
      if (!(w >= 0f) || w == Float.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(
            "weight " + i + " is " + w + "; weights must be finite and ≥ 0");
      }
      if (w > 0f) {
        total += w;
        last = i;
      }
    }
    if (last < 0) {
      throw new IllegalArgumentException(
          "all " + weights.length + " weights are zero: nothing to sample");
    }
    double target = random.nextDouble() * total;
    double cumulative = 0;
    for (int i = 0; i < last; i++) {
      cumulative += weights[i];
      if (cumulative > target) {
        return i;
      }
    }
    return last; // also where rounding leaves the cumulative sum a hair below the total
  }

  /**
   * The greedy token: the index of the largest of {@code v[off .. off + n)}, counted from {@code
   * off}, the lowest on ties (strict {@code >}). Sampling, speculative verification, the GPU checks
   * and the benchmarks all take their greedy tokens here, so they agree on ties.
   */
  public static int argmax(float[] v, int off, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (v[off + i] > v[off + best]) {
        best = i;
      }
    }
    return best;
  }

  /** {@link #argmax(float[], int, int)} over the whole array. */
  public static int argmax(float[] v) {
    return argmax(v, 0, v.length);
  }

  /** Validates, copies the logits into the scratch buffer and applies the repetition penalty. */
  private float[] prepare(float[] logits, int vocabSize, int[] history, int historyLength) {
    Objects.requireNonNull(logits, "logits");
    Objects.requireNonNull(history, "history");
    if (vocabSize < 1 || vocabSize > logits.length) {
      throw new IllegalArgumentException(
          "vocabSize must be 1.." + logits.length + " (the logits' length), got " + vocabSize);
    }
    if (historyLength < 0 || historyLength > history.length) {
      throw new IllegalArgumentException(
          "historyLength must be 0.." + history.length + ", got " + historyLength);
    }
    if (scratch.length < vocabSize) {
      scratch = new float[vocabSize];
    }
    float[] l = scratch;
    System.arraycopy(logits, 0, l, 0, vocabSize);
    boolean anyFinite = false;
    for (int i = 0; i < vocabSize; i++) {
      float v = l[i];
      if (v != v || v == Float.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(
            "logit " + i + " is " + v + "; logits must be finite or -Infinity (a masked token)");
      }
      anyFinite |= v != Float.NEGATIVE_INFINITY;
    }
    if (!anyFinite) {
      throw new IllegalArgumentException(
          "all " + vocabSize + " logits are -Infinity: every token is masked");
    }
    penalize(l, vocabSize, history, historyLength);
    return l;
  }

  /** llama.cpp's {@code penalty_repeat}: once per distinct token, however often it occurred. */
  private void penalize(float[] l, int vocabSize, int[] history, int historyLength) {
    float penalty = settings.repetitionPenalty();
    int n = Math.min(settings.repetitionWindow(), historyLength);
    if (penalty == 1f || n == 0) {
      return;
    }
    int[] recent = Arrays.copyOfRange(history, historyLength - n, historyLength);
    Arrays.sort(recent);
    for (int j = 0; j < n; j++) {
      int t = recent[j];
      if (j > 0 && t == recent[j - 1]) {
        continue;
      }
      if (t < 0 || t >= vocabSize) {
        throw new IllegalArgumentException(
            "history holds token " + t + ", outside the vocabulary 0.." + (vocabSize - 1));
      }
      l[t] = l[t] <= 0f ? l[t] * penalty : l[t] / penalty;
    }
  }
}
