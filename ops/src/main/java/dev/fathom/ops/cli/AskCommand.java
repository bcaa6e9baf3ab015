package dev.fathom.ops.cli;

import dev.fathom.actors.Question;
import dev.fathom.actors.QuestionResult;
import dev.fathom.actors.QuestionService;
import dev.fathom.answer.Answer;
import dev.fathom.answer.AnswerStage;
import dev.fathom.answer.GenerationReport;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.json.Json;
import dev.fathom.ops.workspace.RankerSet;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.rank.RankerKind;
import dev.fathom.retrieval.search.SearchScope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fathom ask "question"}: a cited answer from the indexed documents. */
@Command(
    name = "ask",
    description = {
      "Answer a question from the indexed documents, with numbered citations.",
      "Until you ingest documents, it answers from the demo collection fathom-docs",
      "(Fathom's own docs/ folder, indexed on first use) and says so on stderr.",
      "With --server URL the question goes to a running `fathom serve` instead.",
      "With --model FILE.gguf a language model writes the answer from the evidence."
    })
public final class AskCommand implements Callable<Integer> {

  @Mixin DataOption data;
  @Mixin EngineOptions engine;
  @Mixin SamplingOptions sampling;
  @Mixin ScopeOptions scope;

  @Option(names = "--json", description = "Print the answer as JSON.")
  boolean json;

  @Option(
      names = "--self-improve",
      description =
          "With --model: answer, extract behaviors from that answer, answer again with them"
              + " (behavior-guided self-improvement; docs/behaviors.md).")
  boolean selfImprove;

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      description = "Retrieval mode: bm25, dense or hybrid (default: fathom.retrieval.mode).")
  String mode;

  @Option(
      names = "-k",
      paramLabel = "N",
      description = "Passages retrieved (default: ${DEFAULT-VALUE}).")
  Integer k;

  @Option(
      names = "--rerank",
      paramLabel = "R",
      description =
          "Reorder the retrieved passages before compression: none, listwise, attention (both"
              + " need --model) or fusion (needs `fathom train ranker`); default:"
              + " fathom.rerank.default.")
  String rerank;

  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "Ask a running `fathom serve` over HTTP (POST URL/v1/ask) instead of the local index,"
              + " e.g. http://127.0.0.1:8080.")
  String server;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      defaultValue = "${env:FATHOM_API_KEY}",
      description = "API key for --server (default: the environment variable FATHOM_API_KEY).")
  String apiKey;

  @Option(
      names = "--agent",
      description =
          "With --model: decompose the question into sub-questions, answer each from its own"
              + " search, then compose the answer over all passages (IterDRAG). Without a model the"
              + " question is answered as usual.")
  boolean agent;

  @Option(
      names = "--agent-steps",
      defaultValue = "4",
      description = "Most sub-questions of --agent, 1..16 (default: ${DEFAULT-VALUE}).")
  int agentSteps;

  @Option(
      names = "--agent-tokens",
      defaultValue = "16384",
      description =
          "Model tokens --agent may spend over all steps, 64..10000000 (default: ${DEFAULT-VALUE}).")
  int agentTokens;

  @Parameters(
      paramLabel = "QUESTION",
      arity = "0..*",
      description = "The question (quotes optional).")
  List<String> words = List.of();

  /** The id of the question asked: its trace's id, for {@code fathom feedback}. */
  private String requestId;

  @Override
  public Integer call() throws Exception {
    FathomConfig config = data.config();
    Question q = Questions.ask(config, words, mode, k, rerank).question();
    SearchScope named = scope.scope(); // bad --collection/--filter: refused before any work
    boolean generative = engine.generative();
    if (selfImprove && !engine.answersWithModel(config)) {
      throw new ErrorHandler.UserError("--self-improve needs --model FILE.gguf or --llm URL");
    }
    if (server != null) {
      if (generative || engine.llm != null) {
        throw new ErrorHandler.UserError(
            "--model, --draft-model and --llm choose how this process answers; they cannot be"
                + " combined with --server");
      }
      new RemoteAsk(server, apiKey)
          .scope(scope.named() ? named.collection().value() : null, scope.filters)
          .ask(q.text(), mode == null ? null : q.mode().label(), k, rerank, json, System.out);
      return 0;
    }
    try {
      // Attention ranking reads the in-JVM engine's attention; a model server exposes none.
      boolean ranks =
          q.rerank() == RankerKind.ATTENTION ? generative : engine.answersWithModel(config);
      RankerSet.check(q.rerank(), ranks, config.dataDir());
    } catch (IllegalArgumentException e) {
      throw new ErrorHandler.UserError(e.getMessage());
    }
    // The workspace closes first: its pipeline stops before the models it calls are closed.
    SearchScope where = DemoCollection.in(DemoCollection.choose(config, scope, System.err), named);
    q = q.withScope(where);
    try (AnswerStage stage = engine.openStage(config, sampling.settings(0f));
        Workspace ws = new Workspace(config, where)) {
      DemoCollection.ensureIndexed(ws);
      QuestionService service = ws.questions(stage);
      if (agent && stage.generative()) {
        dev.fathom.actors.agent.AgentBudget budget;
        try {
          budget = new dev.fathom.actors.agent.AgentBudget(agentSteps, agentTokens);
        } catch (IllegalArgumentException e) {
          throw new ErrorHandler.UserError(e.getMessage());
        }
        AgentAsk.run(
            service,
            stage.languageModel().orElseThrow(),
            q,
            budget,
            config.modelQuestionTimeout(),
            json);
        return 0;
      }
      if (agent)
        System.err.println("--agent needs a language model (--model): answering as usual.");
      if (!stage.generative()) {
        print(ask(service, q, TokenListener.NONE));
        return 0;
      }
      requestId = q.requestId();
      if (selfImprove) {
        // Two answers are generated; only the second is shown, so nothing is streamed.
        Answer a = ask(service, q.withSelfImprove(true), TokenListener.NONE);
        if (json) {
          printGenerated(a);
        } else {
          print(a); // the text with its renumbered markers, then its sources
          if (a.behaviors() != null) {
            System.err.println(
                "Behaviors (extracted from the first answer): " + a.behaviors().offered());
          }
        }
        return 0;
      }
      printGenerated(ask(service, q, json ? TokenListener.NONE : AskCommand::printPiece));
    }
    return 0;
  }

  private static void printPiece(String text) {
    System.out.print(text);
    System.out.flush();
  }

  /**
   * A language model's answer: streamed already (then the sources by the numbers the stream
   * carried, and the speed on stderr), or as JSON with what the model did.
   */
  private void printGenerated(Answer a) {
    GenerationReport run = a.generation();
    if (json) {
      Map<String, Object> out = Json.answer(a);
      out.put("request_id", requestId);
      out.put("model", modelInfo(run));
      System.out.println(Json.write(out));
      return;
    }
    // The streamed text carries the model's own numbers; list the sources by those.
    System.out.println();
    SourceLines.printStreamed(
        run.generated() ? run.streamedCitations() : a.citations(), System.out);
    if (a.behaviors() != null) {
      System.err.println(
          "Behaviors offered: "
              + a.behaviors().offered().size()
              + ", cited: "
              + (a.behaviors().cited().isEmpty() ? "none" : a.behaviors().cited()));
    }
    if (run.generated()) {
      System.err.println("Request id: " + requestId + " (for `fathom feedback`)");
      System.err.println(GenerationLines.speedLine(run));
      if (run.speculation() != null) {
        System.err.println(GenerationLines.speculationLine(run.speculation()));
      }
    }
  }

  private static Map<String, Object> modelInfo(GenerationReport run) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", run.model());
    m.put("draft_model", run.draftModel());
    m.put("speculative", run.speculation() != null);
    if (run.generated()) {
      m.put("stop_reason", run.stopReasonName());
      m.put("timings", GenerationLines.timings(run));
    }
    m.put("speculation", GenerationLines.speculation(run.speculation()));
    m.put("dropped_citation_markers", run.droppedMarkers());
    m.put("temperature", run.temperature());
    return m;
  }

  private static Answer ask(QuestionService service, Question q, TokenListener stream)
      throws Exception {
    QuestionResult result;
    try {
      result = service.ask(q, stream).toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw new ErrorHandler.UserError(
          "the question could not be answered: " + e.getCause().getMessage());
    }
    return switch (result) {
      case QuestionResult.Answered a -> a.answer();
      case QuestionResult.Failed f ->
          throw new ErrorHandler.UserError("the question could not be answered: " + f.reason());
    };
  }

  private void print(Answer a) {
    if (json) {
      System.out.println(Json.write(Json.answer(a)));
      return;
    }
    SourceLines.printAnswer(a, System.out);
  }
}
