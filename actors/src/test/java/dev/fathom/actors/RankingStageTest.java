package dev.fathom.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.rank.Ranker;
import dev.fathom.retrieval.rank.RankerKind;
import dev.fathom.retrieval.rank.Ranking;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The ranking stage between retrieval and compression: a real {@link RankerActor} over scripted
 * rankers, the other stages probes, so each test sees which order compression received.
 */
class RankingStageTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  private final TestProbe<RetrieverActor.Command> retriever =
      testKit.createTestProbe(RetrieverActor.Command.class);
  private final TestProbe<CompressorActor.Command> compressor =
      testKit.createTestProbe(CompressorActor.Command.class);
  private final TestProbe<AnswererActor.Command> answerer =
      testKit.createTestProbe(AnswererActor.Command.class);
  private final TestProbe<QuestionResult> result = testKit.createTestProbe(QuestionResult.class);
  private final StageRefs stages = new StageRefs(retriever.ref(), compressor.ref(), answerer.ref());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** Three hits, retrieval order a, b, c. */
  private static List<Hit> threeHits() {
    List<Hit> hits = new ArrayList<>();
    for (String id : List.of("a", "b", "c")) {
      hits.add(
          new Hit(
              new Passage(id, id + ".txt", id, "Passage " + id + ".", 0, 10),
              3 - hits.size(),
              hits.size() + 1));
    }
    return hits;
  }

  /** A ranker that reverses the candidates. */
  private static Ranker reversing(RankerKind kind) {
    return new Ranker() {
      @Override
      public RankerKind kind() {
        return kind;
      }

      @Override
      public Ranking rank(String question, List<Hit> candidates) {
        double[] scores = new double[candidates.size()];
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
          scores[i] = i;
          notes.add("reversed");
        }
        return Ranking.byScore(candidates, scores, notes, "reversed");
      }
    };
  }

  private ActorRef<QuestionCoordinator.Command> start(
      RankerKind kind, Rankers rankers, Duration rankTimeout) {
    ActorRef<RankerActor.Command> ranker = testKit.spawn(RankerActor.create(rankers));
    Question q =
        new Question("r-" + kind.id(), "Which passage?", SearchMode.HYBRID, 3).withRerank(kind);
    return testKit.spawn(
        QuestionCoordinator.create(
            new QuestionRun(q, stages, Duration.ofSeconds(10), result.ref())
                .withRanking(new RankingStage(ranker, rankTimeout))));
  }

  private static List<String> ids(List<Hit> hits) {
    return hits.stream().map(h -> h.passage().id()).toList();
  }

  /** Lets retrieval reply with three hits; returns the hits compression was asked with. */
  private List<Hit> retrieveThenCompressed() {
    retriever
        .expectMessageClass(RetrieverActor.Search.class)
        .replyTo()
        .tell(StatusReply.success(threeHits()));
    return compressor
        .expectMessageClass(CompressorActor.Compress.class, Duration.ofSeconds(5))
        .hits();
  }

  private void finish() {
    var compose = answerer.expectMessageClass(AnswererActor.Compose.class);
    compose.replyTo().tell(StatusReply.success(Fakes.answer("q", Fakes.PASSAGE)));
  }

  @Test
  void theRankerReordersWhatCompressionGetsAndIsTimed() {
    Rankers rankers = Rankers.none().with(reversing(RankerKind.FUSION));
    start(RankerKind.FUSION, rankers, Duration.ofSeconds(5));
    List<Hit> hits = retrieveThenCompressed();
    assertEquals(List.of("c", "b", "a"), ids(hits));
    assertEquals(List.of(1, 2, 3), hits.stream().map(Hit::rank).toList());
    assertEquals(List.of(2.0f, 1.0f, 0.0f), hits.stream().map(Hit::score).toList());
  }

  @Test
  void answerTimingsNameTheRankingStage() {
    start(
        RankerKind.FUSION,
        Rankers.none().with(reversing(RankerKind.FUSION)),
        Duration.ofSeconds(5));
    retriever
        .expectMessageClass(RetrieverActor.Search.class)
        .replyTo()
        .tell(StatusReply.success(threeHits()));
    compressor
        .expectMessageClass(CompressorActor.Compress.class, Duration.ofSeconds(5))
        .replyTo()
        .tell(StatusReply.success(Fakes.evidence("q", Fakes.PASSAGE)));
    finish();
    var answered = result.expectMessageClass(QuestionResult.Answered.class);
    assertEquals(
        List.of("retrieve", "rerank", "compress", "answer", "total"),
        List.copyOf(answered.answer().timingsMs().keySet()));
  }

  @Test
  void noneSkipsTheStage() {
    start(RankerKind.NONE, Rankers.none(), Duration.ofSeconds(5));
    assertEquals(List.of("a", "b", "c"), ids(retrieveThenCompressed()));
  }

  @Test
  void aFailingRankerFallsBackToTheRetrievalOrderAndLogsWhy() {
    Ranker failing =
        new Ranker() {
          @Override
          public RankerKind kind() {
            return RankerKind.LISTWISE;
          }

          @Override
          public Ranking rank(String question, List<Hit> candidates) {
            throw new IllegalStateException("model closed");
          }
        };
    start(RankerKind.LISTWISE, Rankers.none().with(failing), Duration.ofSeconds(5));
    List<Hit> hits =
        LoggingTestKit.warn(
                "listwise ranking failed: IllegalStateException: model closed;"
                    + " keeping the retrieval order")
            .expect(testKit.system(), this::retrieveThenCompressed);
    assertEquals(List.of("a", "b", "c"), ids(hits));
  }

  @Test
  void anUnavailableRankerFallsBackNamingWhatIsMissing() {
    Rankers rankers =
        Rankers.none().without(RankerKind.ATTENTION, "attention ranking needs --model FILE.gguf");
    start(RankerKind.ATTENTION, rankers, Duration.ofSeconds(5));
    List<Hit> hits =
        LoggingTestKit.warn("attention ranking needs --model FILE.gguf")
            .expect(testKit.system(), this::retrieveThenCompressed);
    assertEquals(List.of("a", "b", "c"), ids(hits));
    assertThrows(IllegalStateException.class, () -> rankers.get(RankerKind.ATTENTION));
  }

  @Test
  void aSlowRankerTimesOutAndTheQuestionGoesOnInTheRetrievalOrder() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Ranker slow =
        new Ranker() {
          @Override
          public RankerKind kind() {
            return RankerKind.ATTENTION;
          }

          @Override
          public Ranking rank(String question, List<Hit> candidates) {
            try {
              release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return reversing(RankerKind.ATTENTION).rank(question, candidates);
          }
        };
    start(RankerKind.ATTENTION, Rankers.none().with(slow), Duration.ofMillis(200));
    long t0 = System.nanoTime();
    List<Hit> hits =
        LoggingTestKit.warn("attention ranking timed out after")
            .expect(testKit.system(), this::retrieveThenCompressed);
    long waitedMs = (System.nanoTime() - t0) / 1_000_000;
    release.countDown();
    assertEquals(List.of("a", "b", "c"), ids(hits));
    assertTrue(waitedMs < 4000, "fell back after the stage budget, waited " + waitedMs + " ms");
    // The late ranking goes nowhere: compression is asked once.
    compressor.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void rankingSettingsRefuseOutOfRangeValues() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> new RankingSettings(0, Duration.ofSeconds(1)));
    assertEquals("fathom.rerank.parallelism must be in 1..1024, got 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new RankingSettings(1, Duration.ZERO));
  }
}
