package dev.fathom.actors.session;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.memory.session.MemoryFolder;
import dev.fathom.memory.session.Transcript;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.conversation.HistoryAwareRetriever;
import dev.fathom.retrieval.conversation.SubjectRewriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two cluster nodes in one JVM on loopback sharing one journal: sessions are spread over both; when
 * one node leaves, its sessions start again on the other from the journal with their whole history
 * and go on numbering their turns. (A node leaving is a graceful hand-off; kill -9 of a node's JVM
 * is not tested here, see docs/sessions.md.)
 */
class SessionClusterIT {

  @TempDir Path data;

  /** Every turn names it, so turns that live on the other node carry it across (jackson-cbor). */
  private static final dev.fathom.retrieval.search.SearchScope SCOPE =
      new dev.fathom.retrieval.search.SearchScope(
          new dev.fathom.retrieval.collection.CollectionName("contracts"),
          dev.fathom.retrieval.filter.FilterSyntax.parseAll(
              List.of("author=ann,bob", "year=2020..2023", "path:leases/"), null));

  private final List<SessionActorTest.ScriptedPipeline> pipelines =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private SessionService node(int port, int seedPort) {
    Config overrides =
        ConfigFactory.parseMap(
            Map.of(
                "pekko.remote.artery.canonical.port",
                port,
                "pekko.cluster.seed-nodes",
                List.of("pekko://fathom-sessions@127.0.0.1:" + seedPort)));
    var pipeline = new SessionActorTest.ScriptedPipeline();
    pipelines.add(pipeline);
    SessionActor.Deps deps =
        new SessionActor.Deps(
            pipeline,
            new HistoryAwareRetriever(SessionActorTest.NO_SEARCH, new SubjectRewriter()),
            MemoryFolder.defaults(),
            new SessionSettings(5, Duration.ofSeconds(30)),
            Clock.systemUTC());
    return SessionService.start(deps, SessionJournal.config(data, overrides, ConfigFactory.load()));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static TurnResult ask(SessionService s, String id, String q) throws Exception {
    return s.ask(
            id,
            id + "-" + q.hashCode(),
            q,
            SearchMode.HYBRID,
            5,
            dev.fathom.retrieval.access.Principal.owner(),
            TokenListener.NONE,
            SCOPE)
        .toCompletableFuture()
        .get();
  }

  @Test
  void sessionsOfANodeThatLeavesContinueOnTheOtherWithTheirHistory() throws Exception {
    int pa = freePort();
    int pb = freePort();
    try (SessionService a = node(pa, pa)) {
      SessionService b = node(pb, pa);
      try {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (upMembers(a) < 2 || upMembers(b) < 2) {
          assertTrue(System.nanoTime() < deadline, "cluster of 2 not up");
          Thread.sleep(200);
        }
        for (int i = 0; i < 12; i++) {
          String id = "s" + i;
          assertEquals(1, ask(i % 2 == 0 ? a : b, id, "When does the lease start?").turn());
          assertEquals(2, ask(i % 2 == 0 ? b : a, id, "When does it end?").turn());
        }
      } finally {
        b.close();
      }
      for (int i = 0; i < 12; i++) {
        String id = "s" + i;
        TurnResult r = ask(a, id, "Who can renew it?");
        assertEquals(3, r.turn(), id + ": " + r);
        Transcript t = a.history(id).toCompletableFuture().get();
        assertEquals(3, t.turns().size());
        assertEquals("When does it end?", t.turns().get(1).question());
        assertTrue(t.turns().stream().allMatch(x -> x.isAnswered()));
      }
    }
    assertEquals(2, pipelines.size());
    for (var p : pipelines) {
      assertFalse(p.asked.isEmpty(), "both nodes answered turns");
      for (var q : p.asked) assertEquals(SCOPE, q.scope(), q.requestId());
    }
  }

  private static long upMembers(SessionService s) {
    return java.util.stream.StreamSupport.stream(
            Cluster.get(s.system()).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .count();
  }
}
