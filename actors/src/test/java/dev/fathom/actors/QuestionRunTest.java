package dev.fathom.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fathom.drafters.lm.TokenListener;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** What a coordinator is started with: defaults that leave the optional parts out, and checks. */
class QuestionRunTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  private final ActorRef<QuestionResult> replyTo =
      testKit.createTestProbe(QuestionResult.class).ref();
  private final StageRefs stages =
      new StageRefs(
          testKit.createTestProbe(RetrieverActor.Command.class).ref(),
          testKit.createTestProbe(CompressorActor.Command.class).ref(),
          testKit.createTestProbe(AnswererActor.Command.class).ref());
  private final Question question = Fakes.question("run-1");
  private final QuestionRun plain =
      new QuestionRun(question, stages, Duration.ofSeconds(3), replyTo);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void byDefaultNothingIsStreamedRankedOrScored() {
    assertSame(TokenListener.NONE, plain.stream());
    assertNull(plain.ranking());
    assertSame(RelevanceScale.NONE, plain.relevance());
  }

  @Test
  void eachWithSetsItsOwnPartAndKeepsTheRest() {
    TokenListener stream = text -> {};
    RankingStage ranking =
        new RankingStage(
            testKit.createTestProbe(RankerActor.Command.class).ref(), Duration.ofMillis(500));
    RelevanceScale scale = (hits, mode) -> Map.of();

    QuestionRun run = plain.withStream(stream).withRanking(ranking).withRelevance(scale);

    assertEquals(
        new QuestionRun(question, stages, Duration.ofSeconds(3), replyTo, stream, ranking, scale),
        run);
    assertNull(run.withRanking(null).ranking());
  }

  @Test
  void rejectsATimeoutUnderOneMillisecondNamingTheValue() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new QuestionRun(question, stages, Duration.ofNanos(999_999), replyTo));
    assertEquals("timeout must be at least 1 ms, got PT0.000999999S", e.getMessage());
  }

  @Test
  void rejectsMissingPartsNamingThem() {
    assertEquals(
        "question",
        assertThrows(
                NullPointerException.class,
                () -> new QuestionRun(null, stages, Duration.ofSeconds(1), replyTo))
            .getMessage());
    assertEquals(
        "timeout",
        assertThrows(
                NullPointerException.class, () -> new QuestionRun(question, stages, null, replyTo))
            .getMessage());
    assertEquals(
        "stream",
        assertThrows(NullPointerException.class, () -> plain.withStream(null)).getMessage());
    assertEquals(
        "relevance",
        assertThrows(NullPointerException.class, () -> plain.withRelevance(null)).getMessage());
  }
}
