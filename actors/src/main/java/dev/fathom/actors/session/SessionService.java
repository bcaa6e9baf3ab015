package dev.fathom.actors.session;

import com.typesafe.config.Config;
import dev.fathom.actors.QuestionResult;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.memory.session.Transcript;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.conversation.QueryRewrite;
import dev.fathom.retrieval.search.SearchScope;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions for callers that do not use actors: starts the {@code fathom-sessions} actor system (a
 * Pekko cluster node; it joins itself unless seed nodes are configured), creates the journal's
 * tables, and runs every session as a Cluster Sharding entity ({@link SessionActor}), so a session
 * lives on one node at a time and moves, recovered from the journal, when its node goes.
 */
public final class SessionService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SessionService.class);
  private static final Duration STARTUP = Duration.ofSeconds(30);

  private final ActorSystem<Void> system;
  private final ClusterSharding sharding;
  private final Duration turnTimeout;
  private final SessionStore store;
  private final dev.fathom.retrieval.conversation.HistoryAwareRetriever rewriter;

  private SessionService(
      ActorSystem<Void> system,
      Duration turnTimeout,
      dev.fathom.retrieval.conversation.HistoryAwareRetriever rewriter) {
    this.system = system;
    this.rewriter = rewriter;
    this.store = new SessionStore(system);
    this.sharding = ClusterSharding.get(system);
    this.turnTimeout = turnTimeout;
  }

  /**
   * Starts a node with {@code config} (see {@link SessionJournal#config}) whose sessions ask {@code
   * deps.pipeline()}.
   */
  public static SessionService start(SessionActor.Deps deps, Config config) {
    Objects.requireNonNull(deps, "deps");
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "fathom-sessions", config);
    try {
      SessionJournal.createTables(system, STARTUP);
      Cluster cluster = Cluster.get(system);
      if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }
      ClusterSharding.get(system)
          .init(
              Entity.of(SessionActor.TYPE_KEY, ctx -> SessionActor.create(ctx.getEntityId(), deps))
                  .withStopMessage(SessionActor.Passivate.INSTANCE));
      log.info("session node {} started", cluster.selfMember().address());
      return new SessionService(system, deps.settings().turnTimeout(), deps.rewriter());
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
  }

  /**
   * Asks {@code question} as the next turn of session {@code sessionId} (created by its first
   * question). Never completes exceptionally: a turn that gets no reply completes with a {@link
   * QuestionResult.Failed} in stage {@code session}.
   */
  public CompletionStage<TurnResult> ask(
      String sessionId,
      String requestId,
      String question,
      SearchMode mode,
      int k,
      Principal asker,
      TokenListener stream) {
    return ask(sessionId, requestId, question, mode, k, asker, stream, SearchScope.DEFAULT);
  }

  /**
   * As {@link #ask(String, String, String, SearchMode, int, Principal, TokenListener)}, searching
   * {@code scope} (a collection and a metadata filter) for this turn.
   */
  public CompletionStage<TurnResult> ask(
      String sessionId,
      String requestId,
      String question,
      SearchMode mode,
      int k,
      Principal asker,
      TokenListener stream,
      SearchScope scope) {
    requireId(sessionId);
    CompletionStage<TurnResult> reply =
        sharding
            .entityRefFor(SessionActor.TYPE_KEY, sessionId)
            .ask(
                replyTo ->
                    new SessionActor.Ask(
                        requestId, question, mode, k, asker, stream, replyTo, scope),
                turnTimeout);
    return reply.exceptionally(
        e ->
            new TurnResult(
                sessionId,
                0,
                QueryRewrite.unchanged(question),
                new QuestionResult.Failed(
                    requestId, "session", "no reply from the session: " + e)));
  }

  /** The transcript of {@code sessionId}; empty for a session that never was. */
  public CompletionStage<Transcript> history(String sessionId) {
    requireId(sessionId);
    return sharding
        .entityRefFor(SessionActor.TYPE_KEY, sessionId)
        .ask(SessionActor.GetHistory::new, turnTimeout);
  }

  /**
   * The transcript of {@code sessionId} as {@code caller} may see it: empty (as for a session that
   * never was) unless {@code caller} owns the session ({@link SessionAccess}).
   */
  public CompletionStage<Transcript> history(String sessionId, Principal caller) {
    return history(sessionId)
        .thenApply(t -> SessionAccess.allows(t.owner(), caller) ? t : Transcript.EMPTY);
  }

  /**
   * Deletes {@code sessionId} when {@code caller} owns it ({@link #delete(String)}).
   *
   * @return whether the session existed and was {@code caller}'s
   */
  public CompletionStage<Boolean> delete(String sessionId, Principal caller) {
    return history(sessionId, caller)
        .thenCompose(
            t ->
                t.turns().isEmpty()
                    ? java.util.concurrent.CompletableFuture.completedFuture(false)
                    : delete(sessionId));
  }

  /** The ids of every session in the journal, sorted. */
  public CompletionStage<List<String>> list() {
    return store.list();
  }

  /**
   * Stops session {@code sessionId} if it runs here and deletes its journal; a question that
   * arrives meanwhile starts it afresh.
   *
   * @return whether the session existed
   */
  public CompletionStage<Boolean> delete(String sessionId) {
    requireId(sessionId);
    return sharding
        .entityRefFor(SessionActor.TYPE_KEY, sessionId)
        .ask(SessionActor.Close::new, turnTimeout)
        .thenApplyAsync(
            done -> store.delete(sessionId),
            system
                .dispatchers()
                .lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking()));
  }

  /** The rewrite sessions use, for stateless callers with their own history (chat completions). */
  public dev.fathom.retrieval.conversation.HistoryAwareRetriever rewriter() {
    return rewriter;
  }

  /** The actor system sessions run in. */
  public ActorSystem<Void> system() {
    return system;
  }

  /** Checks a session id: 1..128 letters, digits, _ . : - (it becomes a journal key). */
  public static void requireId(String sessionId) {
    if (sessionId == null || !sessionId.matches("[A-Za-z0-9_.:-]{1,128}")) {
      throw new IllegalArgumentException(
          "session id must be 1..128 characters of letters, digits, _ . : -, got '"
              + sessionId
              + "'");
    }
  }

  /** Leaves the cluster and terminates the system, waiting up to 30 s. */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      log.warn("session system did not terminate within 30 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      log.warn("session system terminated with an error", e.getCause());
    }
  }
}
