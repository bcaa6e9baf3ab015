package dev.fathom.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.answer.Answer;
import dev.fathom.compressors.Evidence;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The three thin stage actors: the stage's result or its error comes back as a StatusReply. */
class StageActorsTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void retrieverRepliesWithHits() {
    var actor = testKit.spawn(RetrieverActor.create(Fakes.retriever()));
    TestProbe<StatusReply<List<Hit>>> reply = testKit.createTestProbe();
    actor.tell(new RetrieverActor.Search("sky", SearchMode.BM25, 3, reply.ref()));
    assertEquals(StatusReply.success(Fakes.hits()), reply.receiveMessage());
  }

  @Test
  void retrieverErrorBecomesAnErrorReplyAndTheActorKeepsServing() {
    var calls = new AtomicInteger();
    var actor =
        testKit.spawn(
            RetrieverActor.create(
                Fakes.retriever(
                    (query, mode, k) -> {
                      if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("index closed");
                      }
                      return Fakes.hits();
                    })));
    TestProbe<StatusReply<List<Hit>>> reply = testKit.createTestProbe();

    actor.tell(new RetrieverActor.Search("sky", SearchMode.BM25, 3, reply.ref()));
    StatusReply<List<Hit>> first = reply.receiveMessage();
    assertTrue(first.isError());
    assertEquals("IllegalStateException: index closed", first.getError().getMessage());

    actor.tell(new RetrieverActor.Search("sky", SearchMode.BM25, 3, reply.ref()));
    assertTrue(reply.receiveMessage().isSuccess());
  }

  @Test
  void compressorRepliesWithEvidenceOrError() {
    var ok = testKit.spawn(CompressorActor.create(Fakes.compressor()));
    TestProbe<StatusReply<Evidence>> reply = testKit.createTestProbe();
    ok.tell(new CompressorActor.Compress("sky?", Fakes.hits(), reply.ref()));
    assertEquals("sky?", reply.receiveMessage().getValue().question());

    var failing =
        testKit.spawn(
            CompressorActor.create(
                (question, hits) -> {
                  throw new IllegalArgumentException("no hits");
                }));
    failing.tell(new CompressorActor.Compress("sky?", List.of(), reply.ref()));
    assertEquals(
        "IllegalArgumentException: no hits", reply.receiveMessage().getError().getMessage());
  }

  @Test
  void answererRepliesWithAnswerAndTreatsNullAsAnError() {
    var ok = testKit.spawn(AnswererActor.create(Fakes.answerer()));
    TestProbe<StatusReply<Answer>> reply = testKit.createTestProbe();
    var evidence = Fakes.evidence("sky?", Fakes.PASSAGE);
    ok.tell(new AnswererActor.Compose("sky?", evidence, reply.ref()));
    assertEquals(Fakes.ANSWER_TEXT, reply.receiveMessage().getValue().text());

    var broken = testKit.spawn(AnswererActor.create((question, ev, listener) -> null));
    broken.tell(new AnswererActor.Compose("sky?", evidence, reply.ref()));
    assertTrue(reply.receiveMessage().getError().getMessage().contains("stage returned null"));
  }
}
