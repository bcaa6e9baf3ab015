package dev.fathom.compressors.recomp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses the {@link SelectionPolicy} on held-out predictions and measures a policy the way {@code
 * fathom eval compression} does: does the kept text still hold a gold answer, and what share of the
 * top passages' tokens does it keep.
 *
 * <p>The choice: the budget, span cap and later-span threshold (a probability per token, see {@link
 * SelectionPolicy}) with the highest answer recall at a compression rate of at most {@link
 * #MAX_RATE} (RECOMP's 6 % with a margin for the held-out half); then the highest empty-evidence
 * threshold that costs at most {@link #RECALL_SLACK} of that recall, so that selective augmentation
 * drops questions whose retrieval found nothing useful. On data whose passages are so short that no
 * policy keeps that little, the leanest policy is taken.
 */
final class PolicyChoice {

  static final double MAX_RATE = 0.057;
  static final double RECALL_SLACK = 0.01;

  /** Most spans a policy may keep: clause spans are a third of a sentence, so up to six. */
  static final int MAX_CAP = 6;

  /**
   * Later-sentence thresholds tried: probabilities per 32 tokens from 0.01, spaced by a factor of
   * 1.25 (normalised scores, {@link QuestionNormalisation}, are smaller than probabilities).
   */
  static final double[] KEEP_FROM =
      java.util.stream.IntStream.range(0, 25)
          .mapToDouble(i -> Math.round(0.01 * Math.pow(1.25, i) * 1000) / 1000.0)
          .filter(v -> v <= 1)
          .toArray();

  /**
   * Softmax temperatures tried for {@link QuestionNormalisation} (0: raw probabilities), each with
   * its own policy; the one with the best half-0 recall is kept.
   */
  static final double[] TEMPERATURES = {0, 0.5, 0.7, 1, 1.4};

  /** A normalisation and the policy chosen for its scores. */
  record Choice(QuestionNormalisation normalisation, SelectionPolicy policy) {}

  private PolicyChoice() {}

  /**
   * Chooses the normalisation of {@link #TEMPERATURES} and its policy ({@link #choose}) with the
   * highest recall on {@code examples}.
   */
  static Choice chooseNormalised(
      List<TrainingExample> examples,
      List<double[]> probability,
      java.util.function.Consumer<String> progress) {
    Choice best = null;
    double bestRecall = -1;
    for (double t : TEMPERATURES) {
      QuestionNormalisation n = new QuestionNormalisation(t);
      List<double[]> scores = normalise(probability, n);
      SelectionPolicy p = choose(examples, scores);
      double recall = measure(examples, scores, p).get("answer_recall_compressed");
      progress.accept(
          String.format(java.util.Locale.ROOT, "scores %s: %s, recall %.4f", n.id(), p, recall));
      if (recall > bestRecall) {
        bestRecall = recall;
        best = new Choice(n, p);
      }
    }
    return best;
  }

  /** Each question's scores under {@code n}. */
  static List<double[]> normalise(List<double[]> probability, QuestionNormalisation n) {
    return probability.stream().map(n::apply).toList();
  }

  /** Chooses on {@code examples} with their held-out probabilities. */
  static SelectionPolicy choose(List<TrainingExample> examples, List<double[]> probability) {
    SelectionPolicy best = null, leanest = null;
    double bestRecall = -1, leanestRate = Double.MAX_VALUE;
    for (int budget : new int[] {32, 48, 64, 80, 96}) {
      for (int cap = 1; cap <= MAX_CAP; cap++) {
        for (double keep : KEEP_FROM) {
          SelectionPolicy p = new SelectionPolicy(0, keep, budget, cap);
          Map<String, Double> m = measure(examples, probability, p);
          if (m.get("compression_rate") < leanestRate) {
            leanest = p;
            leanestRate = m.get("compression_rate");
          }
          if (m.get("compression_rate") <= MAX_RATE
              && m.get("answer_recall_compressed") > bestRecall) {
            best = p;
            bestRecall = m.get("answer_recall_compressed");
          }
          if (cap == 1) break; // the second-span threshold does not matter with one span
        }
      }
    }
    if (best == null) { // short passages: even one sentence is more than MAX_RATE of them
      best = leanest;
      bestRecall = measure(examples, probability, leanest).get("answer_recall_compressed");
    }
    SelectionPolicy chosen = best;
    for (double t : new double[] {0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3}) {
      SelectionPolicy p =
          new SelectionPolicy(t, best.keepFrom(), best.budgetTokens(), best.maxSentences());
      if (measure(examples, probability, p).get("answer_recall_compressed")
          >= bestRecall - RECALL_SLACK) {
        chosen = p;
      }
    }
    return chosen;
  }

  /** The compression metrics of {@code policy} on {@code examples}. */
  static Map<String, Double> measure(
      List<TrainingExample> examples, List<double[]> probability, SelectionPolicy policy) {
    long inTop = 0, kept = 0, tokensTop = 0, tokensKept = 0, empty = 0;
    long goldIn = 0, emptyGoldIn = 0, emptyGoldOut = 0;
    for (int q = 0; q < examples.size(); q++) {
      TrainingExample e = examples.get(q);
      List<Integer> chosen =
          policy.choose(probability.get(q), e.tokens(), e.demoted(), e.sentence(), e.pieces());
      if (e.answerInTop()) inTop++;
      if (chosen.stream().anyMatch(i -> e.positive()[i])) kept++;
      tokensTop += e.inputTokens();
      tokensKept += e.evidenceTokens(chosen);
      if (e.goldRetrieved()) goldIn++;
      if (chosen.isEmpty()) {
        empty++;
        if (e.goldRetrieved()) emptyGoldIn++;
        else emptyGoldOut++;
      }
    }
    double n = Math.max(1, examples.size());
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("answer_recall_top5", inTop / n);
    out.put("answer_recall_compressed", kept / n);
    out.put("tokens_top5", tokensTop / n);
    out.put("tokens_compressed", tokensKept / n);
    out.put("compression_rate", tokensTop == 0 ? 0 : (double) tokensKept / tokensTop);
    out.put("empty_rate", empty / n);
    out.put("empty_rate_gold_retrieved", goldIn == 0 ? 0 : (double) emptyGoldIn / goldIn);
    long goldOut = examples.size() - goldIn;
    out.put("empty_rate_gold_missed", goldOut == 0 ? 0 : (double) emptyGoldOut / goldOut);
    out.put("queries", (double) examples.size());
    return out;
  }

  /**
   * The untrained scorer's ranking key for the same spans: its sentence's cosine plus 0.7 times the
   * span's share of question terms ({@link dev.fathom.compressors.ExtractiveCompressor}'s
   * defaults), so that both scorers can be compared under one policy. Not a probability: compare
   * with {@code emptyBelow} 0.
   */
  static List<double[]> untrainedScores(List<TrainingExample> examples) {
    int f = SpanFeatures.count();
    int cos = SpanFeatures.NAMES.indexOf("cos");
    int lexical = SpanFeatures.NAMES.indexOf("span_lexical");
    List<double[]> out = new ArrayList<>();
    for (TrainingExample e : examples) {
      double[] s = new double[e.rows()];
      for (int i = 0; i < s.length; i++) {
        s[i] = e.features()[i * f + cos] + 0.7 * e.features()[i * f + lexical];
      }
      out.add(s);
    }
    return out;
  }

  /** The examples of one fold, and their probabilities, in the same order. */
  static List<TrainingExample> fold(List<TrainingExample> examples, int fold) {
    return new ArrayList<>(examples.stream().filter(e -> e.fold() == fold).toList());
  }
}
