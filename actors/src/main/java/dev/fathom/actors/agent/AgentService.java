package dev.fathom.actors.agent;

import dev.fathom.actors.Question;
import dev.fathom.actors.QuestionResult;
import dev.fathom.drafters.lm.TokenListener;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Agent questions for callers that do not use actors: each question gets its own {@link
 * PlannerActor}, spawned in {@code system} (the pipeline's), whose sub-questions go through the
 * ordinary pipeline. Only built when a language model is configured; without one, questions go to
 * the pipeline directly.
 */
public final class AgentService {

  private final ActorSystem<?> system;
  private final PlannerActor.Deps deps;
  private final Duration timeout;
  private final AtomicLong started = new AtomicLong();

  /**
   * @param timeout how long one agent question may take in all (its steps each run within the
   *     pipeline's own question timeout)
   */
  public AgentService(ActorSystem<?> system, PlannerActor.Deps deps, Duration timeout) {
    this.system = Objects.requireNonNull(system, "system");
    this.deps = Objects.requireNonNull(deps, "deps");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Answers {@code question} through the agent loop: {@code stream} gets the composed answer's text
   * as it is generated, {@code events} each step. Never completes exceptionally: no reply within
   * the timeout completes with a {@link QuestionResult.Failed} in stage {@code agent}.
   */
  public CompletionStage<AgentResult> ask(
      Question question, TokenListener stream, AgentListener events) {
    ActorRef<PlannerActor.Command> planner =
        system.systemActorOf(
            PlannerActor.create(question, deps, stream, events),
            "agent-" + started.incrementAndGet(),
            Props.empty());
    CompletionStage<AgentResult> reply =
        AskPattern.ask(planner, PlannerActor.Start::new, timeout, system.scheduler());
    return reply.exceptionally(
        e ->
            new AgentResult(
                new QuestionResult.Failed(
                    question.requestId(), "agent", "no reply from the agent: " + e),
                List.of(),
                0));
  }
}
