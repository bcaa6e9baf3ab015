package dev.fathom.ops.cli;

import dev.fathom.actors.Question;
import dev.fathom.actors.QuestionResult;
import dev.fathom.actors.QuestionService;
import dev.fathom.answer.Answer;
import dev.fathom.answer.Answerer;
import dev.fathom.answer.Citation;
import dev.fathom.answer.GenerativeAnswerer;
import dev.fathom.drafters.engine.LocalLanguageModel;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.json.Json;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.SearchMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
      "On first use (no index yet) Fathom indexes its own docs/ folder.",
      "With --server URL the question goes to a running `fathom serve` instead.",
      "With --model FILE.gguf a language model writes the answer from the evidence."
    })
public final class AskCommand implements Callable<Integer> {

  @Mixin DataOption data;
  @Mixin EngineOptions engine;
  @Mixin SamplingOptions sampling;

  @Option(names = "--json", description = "Print the answer as JSON.")
  boolean json;

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

  @Parameters(
      paramLabel = "QUESTION",
      arity = "0..*",
      description = "The question (quotes optional).")
  List<String> words = List.of();

  @Override
  public Integer call() throws Exception {
    FathomConfig config = data.config();
    String question = Questions.validate(String.join(" ", words), config.maxQuestionChars());
    SearchMode m = mode == null ? config.mode() : SearchMode.parse(mode);
    boolean generative = engine.model != null || engine.draftModel != null;
    if (server != null) {
      if (generative) {
        throw new ErrorHandler.UserError(
            "--model and --draft-model answer locally; they cannot be combined with --server");
      }
      new RemoteAsk(server, apiKey)
          .ask(question, mode == null ? null : m.label(), k, json, System.out);
      return 0;
    }
    Question q =
        new Question(UUID.randomUUID().toString(), question, m, k == null ? config.k() : k);
    try (Workspace ws = new Workspace(config)) {
      if (!ws.indexExists()) indexDefaultCorpus(ws);
      if (!generative) {
        print(ask(ws.questions(), q));
        return 0;
      }
      try (LocalLanguageModel model = engine.openModel()) {
        LocalLanguageModel drafter = engine.speculating() ? engine.openDrafter(model) : model;
        try {
          askWithModel(ws, q, model, drafter);
        } finally {
          if (drafter != model) drafter.close();
        }
      }
    }
    return 0;
  }

  /**
   * The extractive pipeline with a {@link GenerativeAnswerer} in the answer stage; the answer is
   * streamed as the model writes it unless {@code --json}.
   */
  private void askWithModel(
      Workspace ws, Question q, LocalLanguageModel model, LocalLanguageModel drafter)
      throws Exception {
    var settings =
        new GenerativeAnswerer.Settings(
            sampling.settings(0f), engine.speculating(), engine.rapid());
    GenerativeAnswerer generative = new GenerativeAnswerer(model, drafter, settings);
    Answerer answerer =
        json
            ? generative
            : (question, evidence) ->
                generative.answer(
                    question,
                    evidence,
                    text -> {
                      System.out.print(text);
                      System.out.flush();
                    });
    QuestionService service =
        ws.questions(answerer, ws.config().raw().getDuration("fathom.ask.model-question-timeout"));
    Answer a = ask(service, q);
    GenerativeAnswerer.Run run = generative.lastRun();
    if (json) {
      Map<String, Object> out = Json.answer(a);
      out.put("model", modelInfo(run, drafter == model ? null : drafter.name(), settings));
      System.out.println(Json.write(out));
      return;
    }
    // The streamed text carries the model's own numbers; list the sources by those.
    System.out.println();
    printSources(run.streamedCitations());
    if (run.generation() != null) {
      System.err.println(GenerationReport.speedLine(run.generation()));
      if (run.speculation() != null) {
        System.err.println(GenerationReport.speculationLine(run.speculation()));
      }
    }
  }

  private static Map<String, Object> modelInfo(
      GenerativeAnswerer.Run run, String draftModel, GenerativeAnswerer.Settings settings) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", run.model());
    m.put("draft_model", draftModel);
    m.put("speculative", run.speculation() != null);
    if (run.generation() != null) {
      m.put("stop_reason", GenerationReport.stopReason(run.generation()));
      m.put("timings", GenerationReport.timings(run.generation()));
    }
    m.put("speculation", GenerationReport.speculation(run.speculation()));
    m.put("dropped_citation_markers", run.droppedMarkers());
    m.put("temperature", settings.generation().temperature());
    return m;
  }

  private static Answer ask(QuestionService service, Question q) throws Exception {
    QuestionResult result;
    try {
      result = service.ask(q).toCompletableFuture().get();
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
    System.out.println(a.text());
    printSources(a.citations());
  }

  private static void printSources(List<Citation> citations) {
    if (citations.isEmpty()) return;
    System.out.println();
    System.out.println("Sources:");
    for (Citation c : citations) {
      System.out.println("[" + c.n() + "] " + Sources.display(c.source()) + " \u2014 " + c.title());
    }
  }

  private static void indexDefaultCorpus(Workspace ws) {
    Path home = Path.of(System.getProperty("fathom.home", ".")).toAbsolutePath().normalize();
    Path corpus = home.resolve(ws.config().defaultCorpus());
    if (!Files.isDirectory(corpus)) {
      throw new ErrorHandler.UserError(
          "no index at "
              + ws.config().indexDir()
              + " and no default corpus at "
              + corpus
              + ": run `fathom ingest PATH...` first");
    }
    System.err.println(
        "First use: indexing "
            + Sources.display(corpus.toString())
            + " into "
            + ws.config().indexDir()
            + " ...");
    IngestCommand.runIngest(ws, List.of(corpus), System.err);
  }
}
