package dev.fathom.actors.agent;

import dev.fathom.actors.Question;
import dev.fathom.actors.QuestionResult;
import dev.fathom.answer.Answer;
import dev.fathom.answer.Citation;
import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.TokenListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One agent question, IterDRAG style (arXiv 2410.04343): decompose it with the language model, ask
 * the pipeline each sub-question in turn (retrieval and generation interleaved: a sub-question is
 * retrieved for and answered before the next is asked), then compose the answer with the model over
 * every passage the sub-answers cited. Each model call runs off the actor's thread and comes back
 * as a message, so the loop is a sequence of messages, not a blocking loop; each step goes to the
 * {@link AgentListener} as it completes and into the {@link AgentResult}'s trace.
 *
 * <p>Bounded by the {@link AgentBudget}: at most {@code maxSteps} sub-questions, and no further one
 * once {@code maxTokens} model tokens are spent. A model that proposes no sub-question (it said
 * NONE, or wrote no question) leaves the question to the pipeline as it is.
 */
public final class PlannerActor {

  public sealed interface Command {}

  /** Start the loop; one {@link AgentResult} goes to {@code replyTo}, then the planner stops. */
  public record Start(ActorRef<AgentResult> replyTo) implements Command {}

  private record Planned(Generation plan, Throwable failure, long millis) implements Command {}

  private record SubAnswered(String sub, QuestionResult result, long millis) implements Command {}

  private record Direct(QuestionResult result) implements Command {}

  private record Composed(Generation reply, Throwable failure, long millis) implements Command {}

  /** What the sub-questions are asked of: the question pipeline. */
  @FunctionalInterface
  public interface Pipeline {
    CompletionStage<QuestionResult> ask(Question q, TokenListener stream);
  }

  /** What every planner shares. */
  public record Deps(Pipeline pipeline, LanguageModel model, AgentBudget budget) {
    public Deps {
      Objects.requireNonNull(pipeline, "pipeline");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(budget, "budget");
    }
  }

  private static final GenerationSettings PLAN = GenerationSettings.GREEDY.withMaxTokens(128);
  private static final GenerationSettings COMPOSE = GenerationSettings.GREEDY.withMaxTokens(320);

  private final Question question;
  private final Deps deps;
  private final TokenListener stream;
  private final AgentListener events;
  private final ActorContext<Command> context;
  private final Executor blocking;
  private final long started = System.nanoTime();
  private final List<AgentStep> steps = new ArrayList<>();
  private final List<AgentStep> answered = new ArrayList<>();
  private final List<List<Citation>> cited = new ArrayList<>();
  private List<String> subs = List.of();
  private ActorRef<AgentResult> replyTo;
  private int tokens;

  public static Behavior<Command> create(
      Question question, Deps deps, TokenListener stream, AgentListener events) {
    return Behaviors.setup(
        ctx -> new PlannerActor(question, deps, stream, events, ctx).awaitingStart());
  }

  private PlannerActor(
      Question question,
      Deps deps,
      TokenListener stream,
      AgentListener events,
      ActorContext<Command> context) {
    this.question = question;
    this.deps = deps;
    this.stream = stream;
    this.events = events;
    this.context = context;
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
  }

  private Behavior<Command> awaitingStart() {
    return Behaviors.receive(Command.class).onMessage(Start.class, this::onStart).build();
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(Planned.class, this::onPlanned)
        .onMessage(SubAnswered.class, this::onSubAnswered)
        .onMessage(
            Direct.class,
            m -> {
              tokens += generated(m.result());
              return finish(m.result());
            })
        .onMessage(Composed.class, this::onComposed)
        .build();
  }

  private Behavior<Command> onStart(Start m) {
    replyTo = m.replyTo();
    long t = System.nanoTime();
    context.pipeToSelf(
        CompletableFuture.supplyAsync(
            () ->
                deps.model()
                    .chat(
                        IterDragPrompts.decompose(question.text(), deps.budget().maxSteps()),
                        PLAN,
                        TokenListener.NONE),
            blocking),
        (g, e) -> new Planned(g, e, millisSince(t)));
    return running();
  }

  private Behavior<Command> onPlanned(Planned m) {
    int spent = m.plan() == null ? 0 : spent(m.plan());
    if (m.failure() == null) {
      subs =
          IterDragPrompts.subQuestions(m.plan().text(), question.text(), deps.budget().maxSteps());
    } else {
      context.getLog().warn("decomposition failed, answering the question as asked", m.failure());
    }
    step(
        "decompose",
        subs.isEmpty() ? "none" : String.join(" | ", subs),
        "",
        List.of(),
        spent,
        m.millis());
    if (subs.isEmpty() || tokens >= deps.budget().maxTokens()) {
      if (!subs.isEmpty()) step("budget", "tokens spent by the plan", "", List.of(), 0, 0);
      context.pipeToSelf(
          deps.pipeline().ask(question, stream),
          (r, e) -> new Direct(r != null ? r : failed("pipeline failed: " + e)));
      return Behaviors.same();
    }
    return askNext();
  }

  /** Asks the next sub-question, or composes when none is left or the budget is spent. */
  private Behavior<Command> askNext() {
    int i = answered.size();
    if (i < subs.size() && tokens >= deps.budget().maxTokens()) {
      step("budget", (subs.size() - i) + " sub-questions left unasked", "", List.of(), 0, 0);
    } else if (i < subs.size()) {
      String sub = subs.get(i);
      Question q =
          new Question(question.requestId() + "-sub" + (i + 1), sub, question.mode(), question.k())
              .withAsker(question.asker())
              .withRerank(question.rerank())
              // A sub-question searches where its question does (collection and filter).
              .withScope(question.scope());
      long t = System.nanoTime();
      context.pipeToSelf(
          deps.pipeline().ask(q, TokenListener.NONE),
          (r, e) ->
              new SubAnswered(
                  sub, r != null ? r : failed("pipeline failed: " + e), millisSince(t)));
      return Behaviors.same();
    }
    List<Citation> passages = IterDragPrompts.union(cited);
    // Two characters a token: conservative for small vocabularies (TinyStories' 512 pieces); the
    // system line and template add a little more.
    int promptChars = Math.max(400, (deps.model().contextLength() - COMPOSE.maxTokens()) * 2);
    long t = System.nanoTime();
    context.pipeToSelf(
        CompletableFuture.supplyAsync(
            () ->
                deps.model()
                    .chat(
                        IterDragPrompts.compose(question.text(), answered, passages, promptChars),
                        COMPOSE,
                        stream),
            blocking),
        (g, e) -> new Composed(g, e, millisSince(t)));
    return Behaviors.same();
  }

  private Behavior<Command> onSubAnswered(SubAnswered m) {
    String text = "";
    List<Citation> cites = List.of();
    int spent = 0;
    if (m.result() instanceof QuestionResult.Answered a) {
      text = a.answer().text();
      cites = a.answer().citations();
      spent = generated(a);
    }
    cited.add(cites);
    List<String> sources = cites.stream().map(Citation::source).distinct().toList();
    answered.add(step("sub-question", m.sub(), text, sources, spent, m.millis()));
    return askNext();
  }

  private Behavior<Command> onComposed(Composed m) {
    if (m.failure() != null) return finish(failed("composing the answer failed: " + m.failure()));
    List<Citation> passages = IterDragPrompts.union(cited);
    IterDragPrompts.Composed c = IterDragPrompts.cite(m.reply().text(), passages);
    List<String> sources = c.citations().stream().map(Citation::source).distinct().toList();
    step("compose", question.text(), c.text(), sources, spent(m.reply()), m.millis());
    Answer answer =
        new Answer(question.text(), c.text(), c.citations(), Map.of("total", millisSince(started)));
    return finish(new QuestionResult.Answered(question.requestId(), answer));
  }

  private Behavior<Command> finish(QuestionResult result) {
    replyTo.tell(new AgentResult(result, steps, tokens));
    return Behaviors.stopped();
  }

  private AgentStep step(
      String kind, String text, String answer, List<String> sources, int spent, long millis) {
    tokens += spent;
    AgentStep s = new AgentStep(steps.size() + 1, kind, text, answer, sources, spent, millis);
    steps.add(s);
    try {
      events.onStep(s);
    } catch (RuntimeException e) {
      context.getLog().warn("agent step listener failed", e);
    }
    return s;
  }

  private QuestionResult.Failed failed(String reason) {
    return new QuestionResult.Failed(question.requestId(), "agent", reason);
  }

  /** Model tokens a pipeline answer spent (0 for an extractive one or a failure). */
  private static int generated(QuestionResult r) {
    return r instanceof QuestionResult.Answered a && a.answer().generation() != null
        ? a.answer().generation().promptTokens() + a.answer().generation().completionTokens()
        : 0;
  }

  private static int spent(Generation g) {
    return g.promptTokenCount() + g.completionTokenCount();
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
