package dev.fathom.behaviors.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fathom.behaviors.eval.BehaviorEvaluation.Answered;
import dev.fathom.behaviors.eval.BehaviorEvaluation.Report;
import dev.fathom.retrieval.eval.BeirDataset.Query;
import java.util.List;
import org.junit.jupiter.api.Test;

class BehaviorEvaluationTest {

  @Test
  void scoresBothArmsAndIgnoresCitationMarkupWhenMatching() {
    List<Query> queries =
        List.of(
            new Query("q1", "When did the war end?", List.of("1871")),
            new Query("q2", "Who won?", List.of("Prussia")),
            new Query("q3", "No gold here", List.of()));
    Report r =
        BehaviorEvaluation.run(
            queries,
            q ->
                switch (q.id()) {
                  case "q1" -> new Answered("It ended in 1870 [1].", 10, List.of(), List.of());
                  case "q2" -> new Answered("Prussia", 20, List.of(), List.of());
                  default -> new Answered("whatever", 30, List.of(), List.of());
                },
            q ->
                switch (q.id()) {
                  case "q1" ->
                      new Answered(
                          "1871 [1] (behavior_compare_dates)",
                          5,
                          List.of("behavior_compare_dates", "behavior_x"),
                          List.of("behavior_compare_dates"));
                  case "q2" -> new Answered("France", 10, List.of("behavior_x"), List.of());
                  default -> new Answered("whatever", 15, List.of(), List.of());
                });
    assertEquals(3, r.without().questions());
    assertEquals(2, r.without().withGold());
    assertEquals(20.0, r.without().meanCompletionTokens(), 1e-9);
    assertEquals(0.5, r.without().containment(), 1e-9);
    assertEquals(0.5, r.without().exactMatch(), 1e-9);
    assertEquals(10.0, r.with().meanCompletionTokens(), 1e-9);
    assertEquals(0.5, r.with().containment(), 1e-9);
    assertEquals(0.5, r.with().exactMatch(), 1e-9, "behavior names and [n] are not scored");
    assertEquals(3, r.with().offered());
    assertEquals(1, r.with().cited());
    assertEquals(1.0 / 3, r.with().citationRate(), 1e-9);
    assertEquals(-0.5, r.tokenChange(), 1e-9);
    assertEquals(3, r.rows().size());
  }

  @Test
  void anEmptyQuestionSetIsRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> BehaviorEvaluation.run(List.of(), q -> null, q -> null));
  }
}
