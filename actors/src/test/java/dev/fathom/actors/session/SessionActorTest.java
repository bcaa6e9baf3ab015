package dev.fathom.actors.session;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.fathom.actors.Question;
import dev.fathom.actors.QuestionResult;
import dev.fathom.answer.Answer;
import dev.fathom.answer.Citation;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.memory.session.ExtractiveSummarizer;
import dev.fathom.memory.session.MemoryBudget;
import dev.fathom.memory.session.MemoryFolder;
import dev.fathom.memory.session.TokenCounter;
import dev.fathom.memory.session.Transcript;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.conversation.HistoryAwareRetriever;
import dev.fathom.retrieval.conversation.SubjectRewriter;
import dev.fathom.retrieval.search.Retriever;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session actor over a real journal (H2 file through pekko-persistence-jdbc) and a scripted
 * pipeline that cites a document titled after the question's subject.
 */
class SessionActorTest {

  /** The session only rewrites with it; the pipeline searches. */
  static final Retriever NO_SEARCH =
      new Retriever() {
        @Override
        public List<Hit> search(String query, SearchMode mode, int k) {
          return List.of();
        }

        @Override
        public List<Hit> search(String query, float[] vector, SearchMode mode, int k) {
          return List.of();
        }
      };

  @TempDir Path data;
  private ActorTestKit kit;

  @BeforeEach
  void start() {
    Config local = ConfigFactory.parseString("pekko.actor.provider = local");
    kit = ActorTestKit.create(SessionJournal.config(data, local, ConfigFactory.load()));
    SessionJournal.createTables(kit.system(), Duration.ofSeconds(30));
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  /** Answers with a citation of "Lease agreement"; records searched queries; may hold turns. */
  static final class ScriptedPipeline implements SessionPipeline {
    final ConcurrentLinkedQueue<Question> asked = new ConcurrentLinkedQueue<>();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();
    volatile long delayMs = 0;

    @Override
    public CompletionStage<QuestionResult> ask(Question q, TokenListener stream) {
      asked.add(q);
      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
      return CompletableFuture.supplyAsync(
          () -> {
            sleep(delayMs);
            running.decrementAndGet();
            String text = "The lease of " + q.text() + " runs from 2024 to 2026 [1].";
            stream.onText(text);
            Citation c = new Citation(1, "lease.txt", "Lease agreement", 0, 10, text);
            return new QuestionResult.Answered(
                q.requestId(), new Answer(q.text(), text, List.of(c), Map.of()));
          });
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private ScriptedPipeline pipeline = new ScriptedPipeline();
  private MemoryFolder folder =
      new MemoryFolder(
          new MemoryBudget(300, 0.25, 0.5), new ExtractiveSummarizer(), TokenCounter.estimate());

  private ActorRef<SessionActor.Command> spawn(String id) {
    SessionActor.Deps deps =
        new SessionActor.Deps(
            pipeline,
            new HistoryAwareRetriever(NO_SEARCH, new SubjectRewriter()),
            folder,
            new SessionSettings(5, Duration.ofSeconds(20)),
            Clock.systemUTC());
    return kit.spawn(SessionActor.create(id, deps));
  }

  private static SessionActor.Ask ask(String id, String q, ActorRef<TurnResult> to) {
    return new SessionActor.Ask(
        id,
        q,
        SearchMode.HYBRID,
        5,
        dev.fathom.retrieval.access.Principal.owner(),
        TokenListener.NONE,
        to);
  }

  @Test
  void aFollowUpIsSearchedWithTheSubjectOfTheEarlierTurn() {
    ActorRef<SessionActor.Command> s = spawn("lease");
    TestProbe<TurnResult> probe = kit.createTestProbe();
    s.tell(ask("r1", "When does the lease start?", probe.ref()));
    s.tell(ask("r2", "When does it end?", probe.ref()));
    TurnResult first = probe.receiveMessage(Duration.ofSeconds(20));
    TurnResult second = probe.receiveMessage(Duration.ofSeconds(20));
    assertEquals(1, first.turn());
    assertEquals(2, second.turn());
    assertEquals("When does it end?", second.rewrite().question());
    assertTrue(
        second.rewrite().query().toLowerCase().contains("lease"), second.rewrite().toString());
    Question searched = pipeline.asked.stream().skip(1).findFirst().orElseThrow();
    assertEquals("When does it end?", searched.text(), "the question text stays the user's");
    assertEquals(second.rewrite().query(), searched.searchQuery());
  }

  @Test
  void turnsOfOneSessionRunOneAtATimeInOrderAndSessionsRunInParallel() {
    pipeline.delayMs = 150;
    ActorRef<SessionActor.Command> a = spawn("a");
    ActorRef<SessionActor.Command> b = spawn("b");
    TestProbe<TurnResult> pa = kit.createTestProbe();
    TestProbe<TurnResult> pb = kit.createTestProbe();
    for (int i = 1; i <= 4; i++) {
      a.tell(ask("a" + i, "question number " + i + " about the lease?", pa.ref()));
      b.tell(ask("b" + i, "question number " + i + " about the deed?", pb.ref()));
    }
    for (int i = 1; i <= 4; i++) {
      TurnResult ra = pa.receiveMessage(Duration.ofSeconds(20));
      TurnResult rb = pb.receiveMessage(Duration.ofSeconds(20));
      assertEquals(i, ra.turn());
      assertEquals("a" + i, ra.result().requestId());
      assertEquals(i, rb.turn());
    }
    assertEquals(2, pipeline.maxRunning.get(), "one turn at a time per session, two sessions");
  }

  @Test
  void aStoppedSessionRecoversItsHistoryFromTheJournal() {
    ActorRef<SessionActor.Command> s = spawn("recover");
    TestProbe<TurnResult> probe = kit.createTestProbe();
    for (int i = 1; i <= 7; i++)
      s.tell(ask("r" + i, "Question " + i + " on the lease?", probe.ref()));
    for (int i = 1; i <= 7; i++) probe.receiveMessage(Duration.ofSeconds(20));
    TestProbe<Transcript> history = kit.createTestProbe();
    s.tell(new SessionActor.GetHistory(history.ref()));
    Transcript before = history.receiveMessage();
    s.tell(SessionActor.Passivate.INSTANCE);
    probe.expectTerminated(s, Duration.ofSeconds(10));

    ActorRef<SessionActor.Command> again = spawn("recover");
    again.tell(new SessionActor.GetHistory(history.ref()));
    assertEquals(before, history.receiveMessage(Duration.ofSeconds(20)));
    again.tell(ask("r8", "And the deposit?", probe.ref()));
    assertEquals(8, probe.receiveMessage(Duration.ofSeconds(20)).turn());
  }

  @Test
  void aTurnLeftPendingByACrashIsAnsweredOnRecovery() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    SessionPipeline hanging =
        (q, stream) ->
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    never.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return new QuestionResult.Failed(q.requestId(), "test", "never answered");
                });
    ScriptedPipeline good = pipeline;
    pipeline = null;
    SessionActor.Deps deps =
        new SessionActor.Deps(
            hanging,
            new HistoryAwareRetriever(NO_SEARCH, new SubjectRewriter()),
            folder,
            new SessionSettings(5, Duration.ofSeconds(20)),
            Clock.systemUTC());
    ActorRef<SessionActor.Command> s = kit.spawn(SessionActor.create("crash", deps));
    TestProbe<TurnResult> probe = kit.createTestProbe();
    s.tell(ask("r1", "When does the lease start?", probe.ref()));
    TestProbe<Transcript> history = kit.createTestProbe();
    // The question is journaled before the pipeline is asked; wait for it, then "crash".
    for (int i = 0; i < 100; i++) {
      s.tell(new SessionActor.GetHistory(history.ref()));
      if (!history.receiveMessage(Duration.ofSeconds(20)).turns().isEmpty()) break;
      Thread.sleep(50);
    }
    kit.stop(s, Duration.ofSeconds(10));
    never.countDown();

    pipeline = good;
    ActorRef<SessionActor.Command> again = spawn("crash");
    again.tell(ask("r2", "When does it end?", probe.ref()));
    TurnResult r = probe.receiveMessage(Duration.ofSeconds(20));
    assertEquals(2, r.turn(), "turn 1 was answered on recovery, then this one");
    again.tell(new SessionActor.GetHistory(history.ref()));
    Transcript t = history.receiveMessage();
    assertEquals(2, t.turns().size());
    assertTrue(t.turns().get(0).isAnswered());
    assertEquals(1, pipeline.asked.stream().filter(q -> q.requestId().equals("r1")).count());
  }

  @Test
  void aQuestionDeliveredAgainAfterACrashMidTurnGetsThePendingTurnsAnswer() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    SessionPipeline hanging =
        (q, stream) ->
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    never.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return new QuestionResult.Failed(q.requestId(), "test", "never answered");
                });
    SessionActor.Deps deps =
        new SessionActor.Deps(
            hanging,
            new HistoryAwareRetriever(NO_SEARCH, new SubjectRewriter()),
            folder,
            new SessionSettings(5, Duration.ofSeconds(20)),
            Clock.systemUTC());
    ActorRef<SessionActor.Command> s = kit.spawn(SessionActor.create("redeliver", deps));
    TestProbe<TurnResult> lost = kit.createTestProbe();
    s.tell(ask("r1", "When does the lease start?", lost.ref()));
    TestProbe<Transcript> history = kit.createTestProbe();
    for (int i = 0; i < 100; i++) {
      s.tell(new SessionActor.GetHistory(history.ref()));
      if (!history.receiveMessage(Duration.ofSeconds(20)).turns().isEmpty()) break;
      Thread.sleep(50);
    }
    kit.stop(s, Duration.ofSeconds(10)); // the node died: r1 is journaled, never answered
    never.countDown();

    ActorRef<SessionActor.Command> again = spawn("redeliver");
    TestProbe<TurnResult> probe = kit.createTestProbe();
    again.tell(ask("r1", "When does the lease start?", probe.ref())); // delivered again
    TurnResult r = probe.receiveMessage(Duration.ofSeconds(20));
    assertEquals(1, r.turn(), "the pending turn, not a second one");
    assertEquals("r1", r.result().requestId());
    assertInstanceOf(QuestionResult.Answered.class, r.result());
    again.tell(ask("r2", "When does it end?", probe.ref()));
    assertEquals(2, probe.receiveMessage(Duration.ofSeconds(20)).turn());
    again.tell(new SessionActor.GetHistory(history.ref()));
    assertEquals(2, history.receiveMessage().turns().size());
    assertEquals(1, pipeline.asked.stream().filter(q -> q.requestId().equals("r1")).count());
    lost.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aQuestionDeliveredAgainAfterRecoveryIsAnsweredFromTheJournal() {
    ActorRef<SessionActor.Command> s = spawn("answered");
    TestProbe<TurnResult> probe = kit.createTestProbe();
    s.tell(ask("r1", "When does the lease start?", probe.ref()));
    TurnResult first = probe.receiveMessage(Duration.ofSeconds(20));
    s.tell(SessionActor.Passivate.INSTANCE);
    probe.expectTerminated(s, Duration.ofSeconds(10));

    ActorRef<SessionActor.Command> again = spawn("answered");
    again.tell(ask("r1", "When does the lease start?", probe.ref()));
    TurnResult replay = probe.receiveMessage(Duration.ofSeconds(20));
    assertEquals(1, replay.turn());
    assertEquals("journal", replay.rewrite().method());
    var a = assertInstanceOf(QuestionResult.Answered.class, replay.result());
    var was = assertInstanceOf(QuestionResult.Answered.class, first.result());
    assertEquals(was.answer().text(), a.answer().text());
    assertEquals("lease.txt", a.answer().citations().getFirst().source());
    assertEquals(1, pipeline.asked.size(), "answered once, by the pipeline");
    TestProbe<Transcript> history = kit.createTestProbe();
    again.tell(new SessionActor.GetHistory(history.ref()));
    Transcript t = history.receiveMessage();
    assertEquals(1, t.turns().size());
    assertEquals("r1", t.turns().getFirst().requestId());
  }

  @Test
  void aSessionBelongsToThePrincipalThatAskedItsFirstTurn() {
    var alice = dev.fathom.retrieval.access.Principal.user("alice", java.util.Set.of("eng"));
    var bob = dev.fathom.retrieval.access.Principal.user("bob", java.util.Set.of("eng"));
    ActorRef<SessionActor.Command> s = spawn("owned");
    TestProbe<TurnResult> probe = kit.createTestProbe();
    s.tell(as(alice, "r1", "When does the lease start?", probe.ref()));
    assertEquals(1, probe.receiveMessage(Duration.ofSeconds(20)).turn());
    s.tell(as(bob, "r2", "When does it end?", probe.ref()));
    TurnResult refused = probe.receiveMessage(Duration.ofSeconds(20));
    assertEquals(0, refused.turn());
    var f = assertInstanceOf(QuestionResult.Failed.class, refused.result());
    assertEquals(TurnResult.ACCESS, f.stage());
    assertEquals("r2", f.requestId());
    // Bob cannot learn alice's answers by replaying her request id either.
    s.tell(as(bob, "r1", "When does the lease start?", probe.ref()));
    assertEquals(0, probe.receiveMessage(Duration.ofSeconds(20)).turn());
    // Alice with other groups is still alice; the local index owner may use every session.
    var aliceMoved = dev.fathom.retrieval.access.Principal.user("alice", java.util.Set.of("hr"));
    s.tell(as(aliceMoved, "r3", "When does it end?", probe.ref()));
    assertEquals(2, probe.receiveMessage(Duration.ofSeconds(20)).turn());
    s.tell(ask("r4", "And the deposit?", probe.ref()));
    assertEquals(3, probe.receiveMessage(Duration.ofSeconds(20)).turn());
    TestProbe<Transcript> history = kit.createTestProbe();
    s.tell(new SessionActor.GetHistory(history.ref()));
    Transcript t = history.receiveMessage();
    assertEquals("user:alice", t.owner());
    assertEquals(3, t.turns().size(), "refused questions are no turns");
    assertEquals(
        2,
        pipeline.asked.stream()
            .filter(q -> q.asker().equals(alice) || q.asker().equals(aliceMoved))
            .count());
  }

  private static SessionActor.Ask as(
      dev.fathom.retrieval.access.Principal who, String id, String q, ActorRef<TurnResult> to) {
    return new SessionActor.Ask(id, q, SearchMode.HYBRID, 5, who, TokenListener.NONE, to);
  }

  @Test
  void fiftyTurnsKeepTheWindowWithinBudget() {
    ActorRef<SessionActor.Command> s = spawn("long");
    TestProbe<TurnResult> probe = kit.createTestProbe();
    TestProbe<Transcript> history = kit.createTestProbe();
    for (int i = 1; i <= 50; i++) {
      s.tell(
          ask("r" + i, "What does clause " + i + " of the lease say about repairs?", probe.ref()));
      assertEquals(i, probe.receiveMessage(Duration.ofSeconds(20)).turn());
      s.tell(new SessionActor.GetHistory(history.ref()));
      Transcript t = history.receiveMessage();
      int tokens = folder.tokens(t.window());
      assertTrue(tokens <= 300, "turn " + i + ": window of " + tokens + " tokens over 300");
    }
    s.tell(new SessionActor.GetHistory(history.ref()));
    Transcript t = history.receiveMessage();
    assertEquals(50, t.turns().size());
    assertTrue(t.foldedThrough() > 30, "folded through " + t.foldedThrough());
  }
}
