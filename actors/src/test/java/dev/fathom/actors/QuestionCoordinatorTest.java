package dev.fathom.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.answer.Answer;
import dev.fathom.answer.CitedScore;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.rank.RankerKind;
import dev.fathom.retrieval.search.HybridRetriever;
import dev.fathom.retrieval.search.Relevance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The coordinator against probe stages, so each test decides when and how every stage replies. */
class QuestionCoordinatorTest {

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

  private ActorRef<QuestionCoordinator.Command> start(Question question, Duration timeout) {
    return testKit.spawn(
        QuestionCoordinator.create(new QuestionRun(question, stages, timeout, result.ref())));
  }

  @Test
  void asksStagesInOrderAndAnswersWithTimings() {
    Question question = new Question("q-1", "What colour is the sky?", SearchMode.HYBRID, 7);
    var coordinator = start(question, Duration.ofSeconds(5));

    var search = retriever.expectMessageClass(RetrieverActor.Search.class);
    assertEquals(question.text(), search.query());
    assertEquals(SearchMode.HYBRID, search.mode());
    assertEquals(7, search.k());
    compressor.expectNoMessage(Duration.ofMillis(50));
    search.replyTo().tell(StatusReply.success(Fakes.hits()));

    var compress = compressor.expectMessageClass(CompressorActor.Compress.class);
    assertEquals(Fakes.hits(), compress.hits());
    compress.replyTo().tell(StatusReply.success(Fakes.evidence(question.text(), Fakes.PASSAGE)));

    var compose = answerer.expectMessageClass(AnswererActor.Compose.class);
    assertEquals(1, compose.evidence().sentences().size());
    compose.replyTo().tell(StatusReply.success(Fakes.answer(question.text(), Fakes.PASSAGE)));

    var answered = result.expectMessageClass(QuestionResult.Answered.class);
    assertEquals("q-1", answered.requestId());
    assertEquals(Fakes.ANSWER_TEXT, answered.answer().text());
    assertEquals(
        List.of("retrieve", "compress", "answer", "total"),
        List.copyOf(answered.answer().timingsMs().keySet()));
    long stagesSum =
        answered.answer().timingsMs().entrySet().stream()
            .filter(e -> !e.getKey().equals("total"))
            .mapToLong(e -> e.getValue())
            .sum();
    assertTrue(answered.answer().timingsMs().get("total") >= stagesSum - 1);
    result.expectTerminated(coordinator);
  }

  @Test
  void theAnswersCitationsCarryTheRelevanceSearchShowsForTheirPassages() {
    Question question = new Question("q-rel", "What colour is the sky?", SearchMode.BM25, 3);
    RelevanceScale scale =
        (hits, mode) -> Relevance.of(hits, mode, HybridRetriever.Settings.defaults());
    testKit.spawn(
        QuestionCoordinator.create(
            new QuestionRun(question, stages, Duration.ofSeconds(5), result.ref())
                .withRelevance(scale)));
    Passage other = new Passage("other#0", "other", "Other", "Grass is green.", 0, 15);
    List<Hit> hits = List.of(new Hit(other, 4.0f, 1), new Hit(Fakes.PASSAGE, 3.0f, 2));
    retriever
        .expectMessageClass(RetrieverActor.Search.class)
        .replyTo()
        .tell(StatusReply.success(hits));
    compressor
        .expectMessageClass(CompressorActor.Compress.class)
        .replyTo()
        .tell(StatusReply.success(Fakes.evidence(question.text(), Fakes.PASSAGE)));
    answerer
        .expectMessageClass(AnswererActor.Compose.class)
        .replyTo()
        .tell(StatusReply.success(Fakes.answer(question.text(), Fakes.PASSAGE)));

    Answer answer = result.expectMessageClass(QuestionResult.Answered.class).answer();
    // BM25: the cited passage's score over the best hit's, as fathom search shows it.
    assertEquals(Map.of(1, new CitedScore(0.75, 3.0)), answer.scores());
  }

  @Test
  void aRankerAskedForWithoutARankingStageIsSkippedAndLoggedUnderTheCoordinatorsName() {
    start(Fakes.question("q-5").withRerank(RankerKind.FUSION), Duration.ofSeconds(5));
    var compress =
        LoggingTestKit.warn(
                "q-5: fusion ranking asked for but this pipeline has no ranking stage;"
                    + " keeping the retrieval order")
            .withLoggerName(QuestionCoordinator.class.getName())
            .expect(
                testKit.system(),
                () -> {
                  retriever
                      .expectMessageClass(RetrieverActor.Search.class)
                      .replyTo()
                      .tell(StatusReply.success(Fakes.hits()));
                  return compressor.expectMessageClass(CompressorActor.Compress.class);
                });
    assertEquals(Fakes.hits(), compress.hits());
  }

  @Test
  void stageErrorFailsNamingTheStageAndSkipsTheRest() {
    var coordinator = start(Fakes.question("q-2"), Duration.ofSeconds(5));
    retriever
        .expectMessageClass(RetrieverActor.Search.class)
        .replyTo()
        .tell(StatusReply.success(Fakes.hits()));
    compressor
        .expectMessageClass(CompressorActor.Compress.class)
        .replyTo()
        .tell(StatusReply.error("IllegalStateException: embedder closed"));

    var failed = result.expectMessageClass(QuestionResult.Failed.class);
    assertEquals("q-2", failed.requestId());
    assertEquals("compress", failed.stage());
    assertEquals("compress failed: IllegalStateException: embedder closed", failed.reason());
    answerer.expectNoMessage(Duration.ofMillis(100));
    result.expectTerminated(coordinator);
  }

  @Test
  void hungStageTimesOutOnceAndALateReplyIsNotDelivered() {
    var coordinator = start(Fakes.question("q-3"), Duration.ofMillis(300));
    var search = retriever.expectMessageClass(RetrieverActor.Search.class);

    var failed = result.expectMessageClass(QuestionResult.Failed.class, Duration.ofSeconds(3));
    assertEquals("retrieve", failed.stage());
    assertEquals("timed out after 300 ms in stage retrieve", failed.reason());
    result.expectTerminated(coordinator);

    search.replyTo().tell(StatusReply.success(Fakes.hits()));
    result.expectNoMessage(Duration.ofMillis(500));
    compressor.expectNoMessage(Duration.ofMillis(10));
  }

  @Test
  void timeoutNamesTheStageThatWasRunning() {
    start(Fakes.question("q-4"), Duration.ofMillis(400));
    retriever
        .expectMessageClass(RetrieverActor.Search.class)
        .replyTo()
        .tell(StatusReply.success(Fakes.hits()));
    compressor
        .expectMessageClass(CompressorActor.Compress.class)
        .replyTo()
        .tell(StatusReply.success(Fakes.evidence("q", Fakes.PASSAGE)));
    answerer.expectMessageClass(AnswererActor.Compose.class);

    var failed = result.expectMessageClass(QuestionResult.Failed.class, Duration.ofSeconds(3));
    assertEquals("answer", failed.stage());
    assertTrue(failed.reason().contains("timed out after 400 ms in stage answer"), failed.reason());
    result.expectNoMessage(Duration.ofMillis(300));
  }
}
