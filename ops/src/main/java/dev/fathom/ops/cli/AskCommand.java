package dev.fathom.ops.cli;

import dev.fathom.actors.Question;
import dev.fathom.actors.QuestionResult;
import dev.fathom.compressors.answer.Answer;
import dev.fathom.compressors.answer.Citation;
import dev.fathom.ops.Workspace;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.retrieval.SearchMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
      "With --server URL the question goes to a running `fathom serve` instead."
    })
public final class AskCommand implements Callable<Integer> {

  @Mixin DataOption data;

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
    if (server != null) {
      new RemoteAsk(server, apiKey)
          .ask(question, mode == null ? null : m.label(), k, json, System.out);
      return 0;
    }
    try (Workspace ws = new Workspace(config)) {
      if (!ws.indexExists()) indexDefaultCorpus(ws);
      Question q =
          new Question(UUID.randomUUID().toString(), question, m, k == null ? config.k() : k);
      QuestionResult result;
      try {
        result = ws.questions().ask(q).toCompletableFuture().get();
      } catch (ExecutionException e) {
        throw new ErrorHandler.UserError(
            "the question could not be answered: " + e.getCause().getMessage());
      }
      switch (result) {
        case QuestionResult.Answered a -> print(a.answer());
        case QuestionResult.Failed f ->
            throw new ErrorHandler.UserError("the question could not be answered: " + f.reason());
      }
    }
    return 0;
  }

  private void print(Answer a) {
    if (json) {
      System.out.println(Json.write(Json.answer(a)));
      return;
    }
    System.out.println(a.text());
    if (!a.citations().isEmpty()) {
      System.out.println();
      System.out.println("Sources:");
      for (Citation c : a.citations()) {
        System.out.println(
            "[" + c.n() + "] " + Sources.display(c.source()) + " \u2014 " + c.title());
      }
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
