package dev.fathom.ops.cli;

import dev.fathom.actors.QuestionResult;
import dev.fathom.actors.QuestionService;
import dev.fathom.actors.session.SessionService;
import dev.fathom.actors.session.TurnResult;
import dev.fathom.answer.AnswerStage;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.memory.session.Transcript;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.ops.json.Json;
import dev.fathom.ops.sessions.SessionJson;
import dev.fathom.ops.sessions.SessionNode;
import dev.fathom.ops.workspace.Workspace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fathom chat [--session ID]}: a conversation in the terminal. Each line is a turn of a
 * session: a follow-up is searched with the conversation's subject, answers stream with their
 * sources, and the session is journaled under the data directory, so {@code --session ID} resumes
 * it later.
 */
@Command(
    name = "chat",
    description = {
      "A conversation with the indexed documents: one question a line, follow-ups understood",
      "(\"When does it end?\"). The session is kept; resume it with --session ID.",
      "End with an empty input (Ctrl-D) or `exit`."
    })
public final class ChatCommand implements Callable<Integer> {

  @Mixin DataOption data;
  @Mixin EngineOptions engine;
  @Mixin SamplingOptions sampling;
  @Mixin ScopeOptions scope;

  @Option(
      names = "--session",
      paramLabel = "ID",
      description = "Resume (or start) the session ID; default: a new session.")
  String session;

  @Option(
      names = "--json",
      description = "Print each turn as one JSON line, with the rewritten query.")
  boolean json;

  @Option(names = "--mode", paramLabel = "MODE", description = "Retrieval mode.")
  String mode;

  @Option(names = "-k", paramLabel = "N", description = "Passages retrieved.")
  Integer k;

  @Override
  public Integer call() throws Exception {
    FathomConfig config = data.config();
    String id = session != null ? session : "chat-" + UUID.randomUUID().toString().substring(0, 8);
    QuestionIntake intake = new QuestionIntake(QuestionIntake.Settings.of(config));
    try (AnswerStage stage = engine.openStage(config, sampling.settings(0f));
        // Every turn's search goes to this collection, filtered (the workspace's home scope).
        Workspace ws = new Workspace(config, scope.scope())) {
      if (!ws.indexExists()) {
        throw new ErrorHandler.UserError(
            "no collection '"
                + ws.home().collection()
                + "' at "
                + ws.indexDir()
                + ": run `fathom ingest PATH...` first");
      }
      QuestionService questions = ws.questions(stage);
      try (SessionService sessions =
          SessionNode.start(
              config.raw(), config.dataDir(), ws.retriever(), questions, stage.languageModel())) {
        Transcript before = sessions.history(id).toCompletableFuture().get();
        if (!json) {
          System.err.println(
              before.turns().isEmpty()
                  ? "Session " + id + " (new). Resume it with: fathom chat --session " + id
                  : "Session " + id + ": resuming after " + before.turns().size() + " turns.");
        }
        chat(sessions, intake, id, stage.generative());
      }
    }
    return 0;
  }

  private void chat(SessionService sessions, QuestionIntake intake, String id, boolean generative)
      throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    while (true) {
      if (!json) {
        System.out.print("> ");
        System.out.flush();
      }
      String line = in.readLine();
      if (line == null || line.strip().equals("exit") || line.strip().equals("quit")) break;
      if (line.isBlank()) continue;
      QuestionIntake.Accepted q;
      try {
        q = intake.fromCommandLine(line, mode, k);
      } catch (dev.fathom.ops.intake.IntakeException e) {
        System.err.println("fathom: " + e.getMessage());
        continue;
      }
      boolean stream = generative && !json;
      TokenListener out =
          stream
              ? text -> {
                System.out.print(text);
                System.out.flush();
              }
              : TokenListener.NONE;
      TurnResult r =
          sessions
              .ask(
                  id,
                  // Unique across runs: a resumed session recognises a request id it has seen
                  // and answers it again from the journal instead of asking a new turn.
                  id + "-" + java.util.UUID.randomUUID(),
                  q.question().text(),
                  q.question().mode(),
                  q.question().k(),
                  dev.fathom.retrieval.access.Principal
                      .owner(), // the CLI user owns the local index
                  out)
              .toCompletableFuture()
              .get();
      print(r, stream);
    }
  }

  private void print(TurnResult r, boolean streamed) {
    if (json) {
      System.out.println(Json.line(SessionJson.turn(r)));
      return;
    }
    switch (r.result()) {
      case QuestionResult.Answered a -> {
        if (streamed) {
          System.out.println();
          SourceLines.printStreamed(a.answer().citations(), System.out);
        } else {
          SourceLines.printAnswer(a.answer(), System.out);
        }
        System.out.println();
      }
      case QuestionResult.Failed f -> System.err.println("fathom: not answered: " + f.reason());
    }
  }
}
