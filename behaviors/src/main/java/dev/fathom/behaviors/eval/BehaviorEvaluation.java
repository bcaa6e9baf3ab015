package dev.fathom.behaviors.eval;

import dev.fathom.retrieval.eval.AnswerMatch;
import dev.fathom.retrieval.eval.BeirDataset.Query;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Answers a question set twice — without and with the behavior handbook — through answer functions
 * the caller supplies, and reports what the paper reports for BCI (arXiv 2509.13237 §4: accuracy
 * and output tokens; BCI used up to 46% fewer reasoning tokens on MATH-500) in the terms of
 * answering from documents:
 *
 * <ul>
 *   <li>completion tokens per answer (mean), and the relative change with behaviors;
 *   <li>answer containment: a gold answer appears in the answer as whole tokens after SQuAD
 *       normalisation ({@link AnswerMatch#containsAny});
 *   <li>SQuAD exact match and token F1 of the whole answer text;
 *   <li>the citation rate: offered behaviors the answers named ÷ behaviors offered.
 * </ul>
 *
 * Accuracy metrics are over the questions with gold answers. Before scoring, citation markers
 * ({@code [2]}) and behavior names are removed from the answer, so naming a behavior (which BCI
 * asks for) is not counted against the with-handbook arm. {@code fathom eval behaviors} is: load a
 * {@code BeirDataset}, build the two answer functions (the same answer stage with {@code
 * BehaviorLibrary.Offer.NONE} and with the library's offer), call {@link #run}, print the report.
 */
public final class BehaviorEvaluation {

  private static final Pattern MARKUP =
      Pattern.compile("\\[\\d+]|\\(?\\bbehaviou?r_[A-Za-z0-9_]+\\)?", Pattern.CASE_INSENSITIVE);

  /**
   * One answer as the evaluation sees it.
   *
   * @param text the answer text
   * @param completionTokens tokens generated (≥ 0)
   * @param offered behavior names put in the prompt
   * @param cited offered names the answer named
   */
  public record Answered(
      String text, int completionTokens, List<String> offered, List<String> cited) {
    public Answered {
      Objects.requireNonNull(text, "text");
      if (completionTokens < 0) {
        throw new IllegalArgumentException("completionTokens must be ≥ 0, got " + completionTokens);
      }
      offered = List.copyOf(offered);
      cited = List.copyOf(cited);
    }
  }

  /**
   * The scores of one arm.
   *
   * @param questions questions answered
   * @param withGold of those, questions with gold answers (the denominator of the accuracy rates)
   * @param meanCompletionTokens mean tokens generated per answer
   * @param containment share of gold questions whose answer contains a gold answer
   * @param exactMatch mean SQuAD exact match over gold questions
   * @param f1 mean SQuAD token F1 over gold questions
   * @param offered behaviors offered over all answers
   * @param cited offered behaviors the answers named
   */
  public record Arm(
      int questions,
      int withGold,
      double meanCompletionTokens,
      double containment,
      double exactMatch,
      double f1,
      long offered,
      long cited) {
    /** Cited ÷ offered, 0 when nothing was offered. */
    public double citationRate() {
      return offered == 0 ? 0 : (double) cited / offered;
    }
  }

  /**
   * One question's two answers.
   *
   * @param query the question
   * @param without the answer without behaviors
   * @param with the answer with the handbook
   */
  public record Row(Query query, Answered without, Answered with) {}

  /**
   * The report.
   *
   * @param without the baseline arm
   * @param with the with-handbook arm
   * @param rows per question
   */
  public record Report(Arm without, Arm with, List<Row> rows) {
    /**
     * (with − without) ÷ without of mean completion tokens; negative when behaviors save tokens.
     */
    public double tokenChange() {
      return without.meanCompletionTokens() == 0
          ? 0
          : (with.meanCompletionTokens() - without.meanCompletionTokens())
              / without.meanCompletionTokens();
    }
  }

  private BehaviorEvaluation() {}

  /** Answers every query with both functions (baseline first) and scores them. */
  public static Report run(
      List<Query> queries, Function<Query, Answered> without, Function<Query, Answered> with) {
    if (queries.isEmpty()) {
      throw new IllegalArgumentException("the question set is empty; need at least 1 question");
    }
    List<Row> rows = new ArrayList<>();
    for (Query q : queries) {
      rows.add(new Row(q, without.apply(q), with.apply(q)));
    }
    return new Report(score(rows, Row::without), score(rows, Row::with), rows);
  }

  private static Arm score(List<Row> rows, Function<Row, Answered> arm) {
    long tokens = 0;
    long offered = 0;
    long cited = 0;
    int gold = 0;
    double contained = 0;
    double em = 0;
    double f1 = 0;
    for (Row r : rows) {
      Answered a = arm.apply(r);
      tokens += a.completionTokens();
      offered += a.offered().size();
      cited += a.cited().size();
      List<String> golds = r.query().answers();
      if (golds.isEmpty()) continue;
      gold++;
      String text = MARKUP.matcher(a.text()).replaceAll(" ");
      contained += AnswerMatch.containsAny(text, golds) ? 1 : 0;
      em += AnswerMatch.exactMatch(text, golds) ? 1 : 0;
      f1 += AnswerMatch.f1(text, golds);
    }
    int n = rows.size();
    return new Arm(
        n,
        gold,
        (double) tokens / n,
        gold == 0 ? 0 : contained / gold,
        gold == 0 ? 0 : em / gold,
        gold == 0 ? 0 : f1 / gold,
        offered,
        cited);
  }
}
