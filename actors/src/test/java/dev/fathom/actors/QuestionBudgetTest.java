package dev.fathom.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A question's budget on a hand-moved clock: stage timings, what is left, and failure texts. */
class QuestionBudgetTest {

  private long now = 5_000_000_000L;

  private QuestionBudget budget(long timeoutMs) {
    return new QuestionBudget(Duration.ofMillis(timeoutMs), () -> now);
  }

  private void advance(long ms) {
    now += ms * 1_000_000;
  }

  @Test
  void timesEachStageInOrderThenTheTotal() {
    QuestionBudget b = budget(1000);
    advance(2);
    b.begin(QuestionCoordinator.RETRIEVE);
    advance(30);
    b.begin(QuestionCoordinator.COMPRESS);
    advance(7);
    b.begin(QuestionCoordinator.ANSWER);
    advance(100);
    Map<String, Long> t = b.finish();
    assertEquals(List.of("retrieve", "compress", "answer", "total"), List.copyOf(t.keySet()));
    assertEquals(List.of(30L, 7L, 100L, 139L), List.copyOf(t.values()));
  }

  @Test
  void whatIsLeftShrinksToOneMillisecondAndAStageCapLowersIt() {
    QuestionBudget b = budget(1000);
    advance(400);
    assertEquals(Duration.ofMillis(600), b.remaining());
    assertEquals(Duration.ofMillis(250), b.remaining(Duration.ofMillis(250)));
    assertEquals(Duration.ofMillis(600), b.remaining(Duration.ofSeconds(5)));
    advance(5000);
    assertEquals(Duration.ofMillis(1), b.remaining());
  }

  @Test
  void failuresNameTheStageAndTheTimeout() {
    QuestionBudget b = budget(1500);
    assertNull(b.stage());
    b.begin(QuestionCoordinator.COMPRESS);
    advance(12);
    assertEquals(12, b.stageMillis());
    QuestionResult.Failed late = b.timedOut("r1");
    assertEquals("compress", late.stage());
    assertEquals("timed out after 1500 ms in stage compress", late.reason());
    assertEquals("compress failed: boom", b.failed("r1", "boom").reason());
  }
}
