package dev.fathom.actors.session;

import dev.fathom.actors.Question;
import dev.fathom.actors.QuestionResult;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.memory.session.MemoryFolder;
import dev.fathom.memory.session.SessionEvent;
import dev.fathom.memory.session.SessionEvent.TurnAsked;
import dev.fathom.memory.session.Transcript;
import dev.fathom.memory.session.Turn;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.conversation.HistoryAwareRetriever;
import dev.fathom.retrieval.conversation.QueryRewrite;
import dev.fathom.retrieval.search.SearchScope;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One conversation, event-sourced: its state is the memory module's {@link Transcript}, its events
 * the {@link SessionEvent}s, and {@link Transcript#apply} is the event handler, so a session
 * recovered from the journal (after passivation, a restart or on another node) has the same history
 * and the same memory window it had.
 *
 * <p>A turn: rewrite the question with the window ({@link HistoryAwareRetriever#rewrite}, off the
 * actor's thread because a condensing rewrite runs a model), persist {@code TurnAsked}, ask the
 * pipeline with the rewritten query as the search query (the question text stays the user's), then
 * persist {@code TurnAnswered} and the {@link MemoryFolder}'s {@code SummaryUpdated} if the window
 * went over budget. Turns of one session are answered one at a time in arrival order: questions
 * that arrive while a turn is in flight are stashed. A session recovered with a turn asked but not
 * answered (its node died mid-turn) answers that turn first, so no turn is lost.
 *
 * <p>Exactly once across a crash: {@code TurnAsked} records the question's request id, so a
 * question delivered again after its node died (a Kafka batch whose transaction never committed) is
 * recognised wherever the session recovers. An answered turn is answered again from the journal;
 * the pending turn is answered for that delivery (with its asker and stream); neither becomes a
 * second turn.
 */
public final class SessionActor
    extends EventSourcedBehavior<SessionActor.Command, SessionEvent, Transcript> {

  /** The Cluster Sharding entity type of sessions. */
  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "Session");

  public sealed interface Command {}

  /**
   * Answer {@code question} as the session's next turn; one {@link TurnResult} goes back. The
   * {@code stream} callback does not cross nodes: a session on another node answers whole.
   *
   * <p>{@code scope} is this turn's collection and filter: each turn names its own (absent: the
   * whole default collection), as a question outside a session does, so a session never searches a
   * collection its caller did not name.
   */
  public record Ask(
      String requestId,
      String question,
      SearchMode mode,
      int k,
      Principal asker,
      @com.fasterxml.jackson.annotation.JsonIgnore TokenListener stream,
      ActorRef<TurnResult> replyTo,
      SearchScope scope)
      implements Command {
    public Ask {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(question, "question");
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(asker, "asker");
      if (stream == null) stream = TokenListener.NONE; // sent from another node
      Objects.requireNonNull(replyTo, "replyTo");
      if (scope == null) scope = SearchScope.DEFAULT; // sent by a node of an earlier version
      new Question(requestId, question, mode, k); // validates text and k as a question does
    }

    /** A turn of the whole default collection. */
    public Ask(
        String requestId,
        String question,
        SearchMode mode,
        int k,
        Principal asker,
        TokenListener stream,
        ActorRef<TurnResult> replyTo) {
      this(requestId, question, mode, k, asker, stream, replyTo, SearchScope.DEFAULT);
    }
  }

  /** Reply with the session's transcript (empty for a session never asked anything). */
  public record GetHistory(ActorRef<Transcript> replyTo) implements Command {}

  /** Stop (passivation by Cluster Sharding); the journal keeps everything. */
  public enum Passivate implements Command {
    INSTANCE
  }

  /** Stop after the turn in flight, then reply (before the session's journal is deleted). */
  public record Close(ActorRef<org.apache.pekko.Done> replyTo) implements Command {}

  private record Rewritten(Ask ask, QueryRewrite rewrite) implements Command {}

  private record Answered(
      Ask ask, QueryRewrite rewrite, int turn, QuestionResult result, List<SessionEvent> events)
      implements Command {}

  /** What every session shares. */
  public record Deps(
      SessionPipeline pipeline,
      HistoryAwareRetriever rewriter,
      MemoryFolder folder,
      SessionSettings settings,
      Clock clock) {
    public Deps {
      Objects.requireNonNull(pipeline, "pipeline");
      Objects.requireNonNull(rewriter, "rewriter");
      Objects.requireNonNull(folder, "folder");
      Objects.requireNonNull(settings, "settings");
      Objects.requireNonNull(clock, "clock");
    }
  }

  private final String sessionId;
  private final Deps deps;
  private final ActorContext<Command> context;
  private final Executor blocking;
  private boolean inFlight;

  /**
   * Recovered with a turn asked but not answered, not resumed yet: it is resumed by the first
   * command, with that command's asker when it is the same question delivered again.
   */
  private boolean resumePending;

  /**
   * Results of the latest turns by request id, with their timings and passages: a question
   * delivered again while the session lives gets the very same reply. Older ones, and all after a
   * recovery, are answered from the journal ({@link TurnResult#fromJournal}).
   */
  private final Map<String, TurnResult> recent =
      new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TurnResult> e) {
          return size() > 256;
        }
      };

  public static Behavior<Command> create(String sessionId, Deps deps) {
    return Behaviors.setup(context -> new SessionActor(sessionId, deps, context));
  }

  private SessionActor(String sessionId, Deps deps, ActorContext<Command> context) {
    super(
        PersistenceId.of(TYPE_KEY.name(), sessionId),
        SupervisorStrategy.restartWithBackoff(
            java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(10), 0.2));
    this.sessionId = sessionId;
    this.deps = deps;
    this.context = context;
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
  }

  @Override
  public Transcript emptyState() {
    return Transcript.EMPTY;
  }

  @Override
  public EventHandler<Transcript, SessionEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(Transcript::apply);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(deps.settings().snapshotEvery(), 2);
  }

  @Override
  public SignalHandler<Transcript> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.class, this::onRecovered).build();
  }

  @Override
  public CommandHandler<Command, SessionEvent, Transcript> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Ask.class, this::onAsk)
        .onCommand(Rewritten.class, this::onRewritten)
        .onCommand(Answered.class, this::onAnswered)
        .onCommand(
            GetHistory.class,
            (s, m) -> {
              resumeFirst(s);
              return Effect().reply(m.replyTo(), s);
            })
        .onCommand(Passivate.class, (s, m) -> inFlight ? Effect().stash() : Effect().stop())
        .onCommand(
            Close.class,
            (s, m) -> {
              resumeFirst(s);
              return inFlight
                  ? Effect().stash()
                  : Effect()
                      .stop()
                      .thenRun(x -> m.replyTo().tell(org.apache.pekko.Done.getInstance()));
            })
        .build();
  }

  private Effect<SessionEvent, Transcript> onAsk(Transcript state, Ask m) {
    if (!SessionAccess.allows(state.owner(), m.asker())) {
      return Effect()
          .reply(m.replyTo(), TurnResult.forbidden(sessionId, m.requestId(), m.question()));
    }
    TurnResult done = recent.get(m.requestId());
    if (done != null) return Effect().reply(m.replyTo(), done);
    if (resumePending) {
      Turn pending = state.pending().orElseThrow();
      boolean same = pending.requestId().equals(m.requestId());
      resume(state, same ? m : null);
      return same ? Effect().none() : Effect().stash();
    }
    if (inFlight) return Effect().stash();
    Optional<Turn> earlier = state.turnFor(m.requestId());
    if (earlier.isPresent() && earlier.get().isAnswered()) {
      return Effect().reply(m.replyTo(), TurnResult.fromJournal(sessionId, earlier.get()));
    }
    inFlight = true;
    context.pipeToSelf(
        CompletableFuture.supplyAsync(
            () -> deps.rewriter().rewrite(m.question(), state.window()), blocking),
        (rewrite, failure) -> {
          if (failure == null) return new Rewritten(m, rewrite);
          context.getLog().warn("rewrite failed, searching the question as asked", failure);
          return new Rewritten(m, QueryRewrite.unchanged(m.question()));
        });
    return Effect().none();
  }

  private Effect<SessionEvent, Transcript> onRewritten(Transcript state, Rewritten m) {
    TurnAsked asked =
        new TurnAsked(
            state.nextTurn(),
            m.ask().question(),
            m.rewrite().query(),
            deps.clock().instant(),
            m.ask().requestId(),
            SessionAccess.nameOf(m.ask().asker()));
    return Effect().persist(asked).thenRun(s -> runTurn(s, m.ask(), m.rewrite()));
  }

  /** Asks the pipeline for the pending turn of {@code state}. */
  private void runTurn(Transcript state, Ask ask, QueryRewrite rewrite) {
    Turn pending = state.pending().orElseThrow();
    Question q =
        new Question(ask.requestId(), ask.question(), ask.mode(), ask.k())
            .withAsker(ask.asker())
            .withSearchQuery(rewrite.query())
            .withScope(ask.scope());
    context.pipeToSelf(
        deps.pipeline()
            .ask(q, ask.stream())
            .thenApplyAsync(
                r ->
                    new Answered(
                        ask, rewrite, pending.number(), r, TurnEvents.of(deps, state, pending, r)),
                blocking),
        (answered, failure) -> {
          if (failure == null) return answered;
          QuestionResult r =
              new QuestionResult.Failed(ask.requestId(), "session", "turn failed: " + failure);
          return new Answered(
              ask, rewrite, pending.number(), r, TurnEvents.of(deps, state, pending, r));
        });
  }

  private Effect<SessionEvent, Transcript> onAnswered(Transcript state, Answered m) {
    return Effect()
        .persist(m.events())
        .thenRun(
            s -> {
              inFlight = false;
              TurnResult r = new TurnResult(sessionId, m.turn(), m.rewrite(), m.result());
              recent.put(m.ask().requestId(), r);
              m.ask().replyTo().tell(r);
            })
        .thenUnstashAll();
  }

  /**
   * A session that died mid-turn answers that turn before any new question; it waits for the first
   * command, which is usually the same question delivered again and then gets the answer.
   */
  private void onRecovered(Transcript state, RecoveryCompleted signal) {
    // Logged (under this class's name) so operators and SessionMultiNodeIT see where it lives.
    org.slf4j.LoggerFactory.getLogger(SessionActor.class)
        .info(
            "session {} recovered at turn {} on {}",
            sessionId,
            state.lastAnswered(),
            context.getSystem().address());
    resumePending = state.pending().isPresent();
  }

  /** Any command but an {@link Ask} resumes the pending turn first, as nobody's. */
  private void resumeFirst(Transcript state) {
    if (resumePending) resume(state, null);
  }

  /**
   * Answers the pending turn: for {@code redelivered}, the same question delivered again, or else
   * for nobody (its reply is dropped; the turn is in the journal).
   */
  private void resume(Transcript state, Ask redelivered) {
    resumePending = false;
    inFlight = true;
    Turn t = state.pending().orElseThrow();
    context.getLog().info("session {}: answering turn {} left pending", sessionId, t.number());
    Ask resumed =
        redelivered != null
            ? redelivered
            : new Ask(
                t.requestId().isEmpty() ? sessionId + "-turn-" + t.number() : t.requestId(),
                t.question(),
                SearchMode.HYBRID,
                10,
                // The journal records neither who asked nor the scope: a turn nobody waits for
                // searches as anonymous (public documents only), failing closed, in the
                // default collection.
                Principal.anonymous(),
                TokenListener.NONE,
                context.getSystem().ignoreRef());
    runTurn(state, resumed, new QueryRewrite(t.question(), t.rewrittenQuery(), "recovered"));
  }
}
