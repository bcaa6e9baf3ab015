package dev.fathom.compressors.recomp;

import java.util.Locale;

/**
 * How the trees' probabilities of one question's units are turned into the scores the {@link
 * SelectionPolicy} spends its budget on. The trees judge each unit on its own (a logistic model),
 * but only one or two units of a question hold its answer: the units compete. So the units'
 * log-odds go through a softmax over the question (Bridle 1990; the listwise view of ranking, Cao
 * et al., ICML 2007, ListNet), which makes a unit's score its share of the question's belief, and
 * that share is scaled by the question's best probability, so that a question none of whose units
 * is likely still scores low and selective augmentation (RECOMP §3.3) keeps its meaning.
 *
 * <p>A clear favourite keeps most of its probability and its rivals lose theirs, so their tokens go
 * to unsure questions instead; among units of similar probability the budget is spread over the
 * question as before. The temperature sets how strongly the units compete (chosen on half 0).
 * Measured on squad-dev's out-of-fold probabilities in docs/compression.md.
 *
 * @param temperature softmax temperature over the log-odds; 0 leaves the probabilities as they are
 */
public record QuestionNormalisation(double temperature) {

  /** The probabilities as the trees give them (models trained before this normalisation). */
  public static final QuestionNormalisation NONE = new QuestionNormalisation(0);

  public QuestionNormalisation {
    if (!(temperature >= 0 && temperature <= 100)) {
      throw new IllegalArgumentException("temperature must be in [0, 100], got " + temperature);
    }
  }

  /** Reads {@link #id()}'s form; null (a model without it) is {@link #NONE}. */
  static QuestionNormalisation parse(String text, String origin) {
    if (text == null || text.equals("none")) return NONE;
    String prefix = "softmax-times-best,";
    try {
      if (text.startsWith(prefix)) {
        return new QuestionNormalisation(Double.parseDouble(text.substring(prefix.length())));
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw new IllegalArgumentException(
        "compressor model "
            + origin
            + " has an unknown score normalisation \""
            + text
            + "\" (expected none or softmax-times-best,T)");
  }

  /** How the model file names it. */
  String id() {
    return temperature == 0
        ? "none"
        : String.format(Locale.ROOT, "softmax-times-best,%s", temperature);
  }

  /** The scores of one question's units, from their probabilities (unchanged for {@link #NONE}). */
  public double[] apply(double[] probability) {
    int n = probability.length;
    if (temperature == 0 || n == 0) return probability;
    double[] logit = new double[n];
    double best = 0, maxLogit = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      double p = Math.min(Math.max(probability[i], 1e-7), 1 - 1e-7);
      logit[i] = Math.log(p / (1 - p)) / temperature;
      maxLogit = Math.max(maxLogit, logit[i]);
      best = Math.max(best, probability[i]);
    }
    double sum = 0;
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = Math.exp(logit[i] - maxLogit);
      sum += out[i];
    }
    for (int i = 0; i < n; i++) out[i] = out[i] / sum * best;
    return out;
  }
}
