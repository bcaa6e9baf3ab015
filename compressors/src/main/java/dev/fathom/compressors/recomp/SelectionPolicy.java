package dev.fathom.compressors.recomp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How the trained compressor turns the probabilities of its units (clause spans, {@link
 * CandidateSpan}; "sentences" below) into evidence; all four numbers are chosen on held-out dev
 * predictions by {@link CompressorTraining} and stored with the model.
 *
 * <p><b>Selective augmentation</b> (RECOMP §3.3): when no sentence reaches {@code emptyBelow}, the
 * evidence is empty. Otherwise the best sentence is kept, and further sentences, best first, only
 * while they earn their tokens, fit the token budget and the sentence cap: a confident question
 * gets one sentence (RECOMP keeps the top 1 for NQ and TriviaQA), an unsure one a few.
 *
 * <p><b>Spending the budget.</b> The compression rate is a ratio of token sums over all questions,
 * so a sentence is worth its probability of holding the answer per token it costs: a later sentence
 * is kept when its probability per {@value #TOKEN_UNIT} tokens reaches {@code keepFrom} (the greedy
 * rule of a knapsack under one shared budget, Dantzig 1957). A short likely sentence gets in where
 * a long one of the same probability does not; sentences shorter than {@value #MIN_TOKENS} tokens
 * count as {@value #MIN_TOKENS}.
 *
 * @param emptyBelow least probability of the best sentence for the evidence to be non-empty
 * @param keepFrom least probability per {@value #TOKEN_UNIT} tokens of every sentence after the
 *     first
 * @param budgetTokens most model tokens kept (the best sentence alone may exceed it by half)
 * @param maxSentences most sentences kept
 */
public record SelectionPolicy(
    double emptyBelow, double keepFrom, int budgetTokens, int maxSentences) {

  /** The token count {@code keepFrom} is a probability per. */
  public static final int TOKEN_UNIT = 32;

  /** Shorter sentences count as this many tokens, so that a fragment does not win on length. */
  public static final int MIN_TOKENS = 8;

  public SelectionPolicy {
    if (!(emptyBelow >= 0 && emptyBelow <= 1)) {
      throw new IllegalArgumentException("emptyBelow must be in [0, 1], got " + emptyBelow);
    }
    if (!(keepFrom >= 0 && keepFrom <= 1)) {
      throw new IllegalArgumentException("keepFrom must be in [0, 1], got " + keepFrom);
    }
    if (budgetTokens < 1 || budgetTokens > 100_000) {
      throw new IllegalArgumentException(
          "budgetTokens must be in [1, 100000], got " + budgetTokens);
    }
    if (maxSentences < 1 || maxSentences > 1000) {
      throw new IllegalArgumentException("maxSentences must be in [1, 1000], got " + maxSentences);
    }
  }

  /**
   * Indices of the kept sentences, best first.
   *
   * @param probability each candidate's probability of holding the answer
   * @param tokens each candidate's model tokens
   * @param demoted candidates that address the model: kept only when no other sentence reaches
   *     {@code emptyBelow} (retrieved text is data, docs/security.md)
   */
  public List<Integer> choose(double[] probability, int[] tokens, boolean[] demoted) {
    return choose(probability, tokens, demoted, new int[probability.length], null);
  }

  /**
   * {@link #choose(double[], int[], boolean[])} for clause spans: a whole sentence (a unit with
   * {@code pieces} 1) and spans of the same sentence exclude each other, so no text is kept twice.
   *
   * @param sentence per unit: index of its sentence
   * @param pieces per unit: how many spans its sentence was cut into (1: the whole sentence); null
   *     when no units overlap
   */
  public List<Integer> choose(
      double[] probability, int[] tokens, boolean[] demoted, int[] sentence, int[] pieces) {
    int n = probability.length;
    if (tokens.length != n || demoted.length != n) {
      throw new IllegalArgumentException(
          "one token count and demotion flag per candidate needed, got "
              + n
              + ", "
              + tokens.length
              + ", "
              + demoted.length);
    }
    List<Integer> order =
        new ArrayList<>(
            IntStream.range(0, n)
                .boxed()
                .sorted(
                    Comparator.comparing((Integer i) -> demoted[i])
                        .thenComparing(i -> -probability[i]))
                .toList());
    boolean any = order.stream().anyMatch(i -> probability[i] >= emptyBelow);
    if (!any) return List.of();
    boolean plainRelevant =
        order.stream().anyMatch(i -> !demoted[i] && probability[i] >= emptyBelow);
    List<Integer> kept = new ArrayList<>();
    java.util.Set<Integer> wholeKept = new java.util.HashSet<>();
    java.util.Set<Integer> partKept = new java.util.HashSet<>();
    int used = 0;
    for (int i : order) {
      if (kept.size() == maxSentences) break;
      if (demoted[i] && plainRelevant) continue;
      if (pieces != null) {
        boolean whole = pieces[i] == 1;
        if (wholeKept.contains(sentence[i]) || (whole && partKept.contains(sentence[i]))) continue;
      }
      if (probability[i] < emptyBelow) continue;
      if (!kept.isEmpty() && density(probability[i], tokens[i]) < keepFrom) continue;
      boolean fits = used + tokens[i] <= budgetTokens;
      boolean firstAndNearlyFits = kept.isEmpty() && tokens[i] <= budgetTokens * 3 / 2;
      if (!fits && !firstAndNearlyFits) continue;
      kept.add(i);
      used += tokens[i];
      if (pieces != null) (pieces[i] == 1 ? wholeKept : partKept).add(sentence[i]);
    }
    return kept;
  }

  /** Probability per {@link #TOKEN_UNIT} tokens. */
  static double density(double probability, int tokens) {
    return probability * TOKEN_UNIT / Math.max(tokens, MIN_TOKENS);
  }
}
