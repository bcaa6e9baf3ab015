package dev.fathom.ops.cli;

import dev.fathom.actors.Question;
import dev.fathom.actors.QuestionResult;
import dev.fathom.actors.QuestionService;
import dev.fathom.actors.agent.AgentBudget;
import dev.fathom.actors.agent.AgentResult;
import dev.fathom.actors.agent.AgentService;
import dev.fathom.actors.agent.AgentStep;
import dev.fathom.actors.agent.PlannerActor;
import dev.fathom.answer.Answer;
import dev.fathom.answer.Citation;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.ops.json.Json;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * {@code fathom ask --agent}: the IterDRAG loop (docs/sessions.md, "The agent loop"). Each step is
 * printed to stderr as it completes and the composed answer streams to stdout; with {@code --json}
 * the answer JSON gets an {@code "agent"} object with the budget, the tokens spent and every step.
 */
final class AgentAsk {

  private AgentAsk() {}

  static void run(
      QuestionService service,
      LanguageModel model,
      Question q,
      AgentBudget budget,
      Duration questionTimeout,
      boolean json)
      throws Exception {
    // Every step runs within the pipeline's question timeout; the plan and the composition too.
    Duration timeout = questionTimeout.multipliedBy(budget.maxSteps() + 2L);
    AgentService agent =
        new AgentService(
            service.system(), new PlannerActor.Deps(service::ask, model, budget), timeout);
    AgentResult r;
    try {
      r =
          agent
              .ask(
                  q,
                  json ? TokenListener.NONE : AgentAsk::printPiece,
                  json ? step -> {} : step -> System.err.println(line(step)))
              .toCompletableFuture()
              .get();
    } catch (ExecutionException e) {
      throw new ErrorHandler.UserError("the question could not be answered: " + e.getCause());
    }
    Answer a =
        switch (r.result()) {
          case QuestionResult.Answered ok -> ok.answer();
          case QuestionResult.Failed f ->
              throw new ErrorHandler.UserError("the question could not be answered: " + f.reason());
        };
    if (json) {
      Map<String, Object> out = Json.answer(a);
      out.put("request_id", q.requestId());
      out.put("agent", dev.fathom.ops.json.AgentJson.trace(r, budget));
      System.out.println(Json.write(out));
      return;
    }
    boolean composed = r.steps().stream().anyMatch(s -> s.kind().equals("compose"));
    if (!composed && !a.text().isEmpty()) System.out.print(a.text()); // answered by the pipeline
    System.out.println();
    if (!a.citations().isEmpty()) {
      System.out.println();
      System.out.println("Sources:");
      for (Citation c : a.citations()) {
        System.out.println(
            "[" + c.n() + "] " + Sources.display(c.source()) + " \u2014 " + c.title());
      }
    }
    System.err.println("Agent: " + r.steps().size() + " steps, " + r.tokens() + " model tokens");
  }

  private static String line(AgentStep s) {
    return "step "
        + s.n()
        + " "
        + s.kind()
        + ": "
        + s.text()
        + (s.answer().isEmpty() || s.kind().equals("compose") ? "" : " \u2192 " + s.answer())
        + " ("
        + s.tokens()
        + " tokens, "
        + s.millis()
        + " ms)";
  }

  private static void printPiece(String text) {
    System.out.print(text);
    System.out.flush();
  }
}
