package dev.fathom.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.answer.Answerer;
import dev.fathom.compressors.ContextCompressor;
import dev.fathom.retrieval.search.Retriever;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The guardian with real stage routers around fake stages. */
class FathomPipelineTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  private final TestProbe<QuestionResult> result = testKit.createTestProbe(QuestionResult.class);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static ActorRef<FathomPipeline.Command> pipeline(
      Retriever retriever, ContextCompressor compressor, Answerer answerer, Duration timeout) {
    return testKit.spawn(
        FathomPipeline.create(
            retriever, compressor, answerer, new PipelineSettings(4, 4, 4, timeout)));
  }

  private static ActorRef<FathomPipeline.Command> pipeline(Retriever retriever) {
    return pipeline(retriever, Fakes.compressor(), Fakes.answerer(), Duration.ofSeconds(5));
  }

  @Test
  void answersWithCitationsTextAndTimings() {
    var pipeline = pipeline(Fakes.retriever());
    pipeline.tell(new FathomPipeline.Ask(Fakes.question("happy"), result.ref()));

    var answered = result.expectMessageClass(QuestionResult.Answered.class);
    assertEquals("happy", answered.requestId());
    assertEquals(Fakes.ANSWER_TEXT, answered.answer().text());
    assertEquals("sky.txt", answered.answer().citations().getFirst().source());
    assertEquals(
        Set.of("retrieve", "compress", "answer", "total"), answered.answer().timingsMs().keySet());
    result.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void throwingStageFailsNamingStageAndError() {
    var pipeline =
        pipeline(
            Fakes.retriever(),
            Fakes.compressor(),
            (question, evidence, listener) -> {
              throw new IllegalStateException("model not loaded");
            },
            Duration.ofSeconds(5));
    pipeline.tell(new FathomPipeline.Ask(Fakes.question("boom"), result.ref()));

    var failed = result.expectMessageClass(QuestionResult.Failed.class);
    assertEquals("boom", failed.requestId());
    assertEquals("answer", failed.stage());
    assertEquals("answer failed: IllegalStateException: model not loaded", failed.reason());
    result.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void hangingStageTimesOutExactlyOnce() throws InterruptedException {
    var release = new CountDownLatch(1);
    ContextCompressor hanging =
        (question, hits) -> {
          awaitQuietly(release);
          return Fakes.evidence(question, hits.getFirst().passage());
        };
    var pipeline = pipeline(Fakes.retriever(), hanging, Fakes.answerer(), Duration.ofMillis(300));
    try {
      pipeline.tell(new FathomPipeline.Ask(Fakes.question("slow"), result.ref()));
      var failed = result.expectMessageClass(QuestionResult.Failed.class, Duration.ofSeconds(3));
      assertEquals("slow", failed.requestId());
      assertEquals("compress", failed.stage());
      assertTrue(failed.reason().contains("timed out"), failed.reason());
      result.expectNoMessage(Duration.ofMillis(300));
    } finally {
      release.countDown();
    }
    // The compressor now finishes and its late reply goes nowhere.
    result.expectNoMessage(Duration.ofMillis(300));
  }

  @Test
  void manyConcurrentQuestionsAreEachAnsweredExactlyOnce() {
    var pipeline = pipeline(Fakes.retriever());
    int questions = 200;
    Set<String> asked = new HashSet<>();
    for (int i = 0; i < questions; i++) {
      String id = "many-" + i;
      asked.add(id);
      pipeline.tell(new FathomPipeline.Ask(Fakes.question(id), result.ref()));
    }

    List<QuestionResult> results = result.receiveSeveralMessages(questions, Duration.ofSeconds(30));
    Set<String> answered = new HashSet<>();
    for (QuestionResult r : results) {
      var a = assertInstanceOf(QuestionResult.Answered.class, r);
      assertTrue(answered.add(a.requestId()), "answered twice: " + a.requestId());
      assertEquals(Fakes.question(a.requestId()).text(), a.answer().question());
    }
    assertEquals(asked, answered);
    result.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void sameRequestIdTwiceGetsTwoCoordinators() {
    var pipeline = pipeline(Fakes.retriever());
    pipeline.tell(new FathomPipeline.Ask(Fakes.question("dup id/with spaces"), result.ref()));
    pipeline.tell(new FathomPipeline.Ask(Fakes.question("dup id/with spaces"), result.ref()));
    result.expectMessageClass(QuestionResult.Answered.class);
    result.expectMessageClass(QuestionResult.Answered.class);
  }

  @Test
  void stageWorkRunsOnTheBlockingDispatcher() {
    Queue<String> threads = new ConcurrentLinkedQueue<>();
    var pipeline =
        pipeline(
            Fakes.retriever(
                (query, mode, k) -> {
                  threads.add("retrieve " + Thread.currentThread().getName());
                  return Fakes.hits();
                }),
            (question, hits) -> {
              threads.add("compress " + Thread.currentThread().getName());
              return Fakes.evidence(question, hits.getFirst().passage());
            },
            (question, evidence, listener) -> {
              threads.add("answer " + Thread.currentThread().getName());
              return Fakes.answer(question, Fakes.PASSAGE);
            },
            Duration.ofSeconds(5));
    pipeline.tell(new FathomPipeline.Ask(Fakes.question("where"), result.ref()));
    result.expectMessageClass(QuestionResult.Answered.class);

    assertEquals(3, threads.size(), threads.toString());
    for (String thread : threads) {
      assertTrue(thread.contains(FathomPipeline.BLOCKING_DISPATCHER), thread);
      assertFalse(thread.contains("default-dispatcher"), thread);
    }
  }

  @Test
  void routerPoolSizeCapsWorkInFlight() {
    var inFlight = new AtomicInteger();
    var maxInFlight = new AtomicInteger();
    Retriever slow =
        Fakes.retriever(
            (query, mode, k) -> {
              maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              sleepQuietly(20);
              inFlight.decrementAndGet();
              return Fakes.hits();
            });
    var pipeline =
        testKit.spawn(
            FathomPipeline.create(
                slow,
                Fakes.compressor(),
                Fakes.answerer(),
                new PipelineSettings(2, 4, 4, Duration.ofSeconds(10))));
    for (int i = 0; i < 20; i++) {
      pipeline.tell(new FathomPipeline.Ask(Fakes.question("cap-" + i), result.ref()));
    }
    result.receiveSeveralMessages(20, Duration.ofSeconds(10));
    assertEquals(2, maxInFlight.get());
  }

  @Test
  void crashedStageIsRestartedAndServesTheNextQuestion() {
    var calls = new AtomicInteger();
    Retriever crashesOnce =
        Fakes.retriever(
            (query, mode, k) -> {
              if (calls.incrementAndGet() == 1) {
                throw new AssertionError("corrupt segment");
              }
              return Fakes.hits();
            });
    var pipeline =
        testKit.spawn(
            FathomPipeline.create(
                crashesOnce,
                Fakes.compressor(),
                Fakes.answerer(),
                new PipelineSettings(1, 1, 1, Duration.ofSeconds(5))));

    pipeline.tell(new FathomPipeline.Ask(Fakes.question("crash"), result.ref()));
    var failed = result.expectMessageClass(QuestionResult.Failed.class);
    assertEquals("retrieve failed: AssertionError: corrupt segment", failed.reason());

    pipeline.tell(new FathomPipeline.Ask(Fakes.question("after"), result.ref()));
    var answered = result.expectMessageClass(QuestionResult.Answered.class, Duration.ofSeconds(5));
    assertEquals("after", answered.requestId());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
