package dev.fathom.ops.cli;

import com.typesafe.config.ConfigFactory;
import dev.fathom.actors.session.SessionJournal;
import dev.fathom.actors.session.SessionStore;
import dev.fathom.memory.session.Transcript;
import dev.fathom.memory.session.Turn;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.json.Json;
import dev.fathom.ops.sessions.SessionJson;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fathom sessions list|show ID|delete ID}: the sessions journaled under the data directory
 * (read from the journal without running them; while {@code fathom serve} runs, delete through its
 * HTTP API instead, so the running session stops first).
 */
@Command(
    name = "sessions",
    description = "List, show or delete the conversations kept under the data directory.",
    subcommands = {
      SessionsCommand.ListIds.class,
      SessionsCommand.Show.class,
      SessionsCommand.Delete.class
    })
public final class SessionsCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Runs {@code work} with a store over the journal of {@code config}'s data directory. */
  static <T> T withStore(FathomConfig config, Function<SessionStore, T> work) {
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "fathom-sessions-cli",
            SessionJournal.config(
                config.dataDir(),
                ConfigFactory.parseString("pekko.actor.provider = local"),
                config.raw()));
    try {
      SessionJournal.createTables(system, Duration.ofSeconds(30));
      return work.apply(new SessionStore(system));
    } finally {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // exiting anyway
      }
    }
  }

  @Command(name = "list", description = "The ids of the kept sessions, one a line.")
  static final class ListIds implements Callable<Integer> {
    @Mixin DataOption data;

    @Option(names = "--json", description = "Print a JSON array.")
    boolean json;

    @Override
    public Integer call() {
      List<String> ids = withStore(data.config(), s -> s.list().toCompletableFuture().join());
      if (json) System.out.println(Json.write(ids));
      else ids.forEach(System.out::println);
      return 0;
    }
  }

  @Command(name = "show", description = "A session's turns: questions, rewritten queries, answers.")
  static final class Show implements Callable<Integer> {
    @Mixin DataOption data;

    @Option(names = "--json", description = "Print the transcript as JSON.")
    boolean json;

    @Parameters(paramLabel = "ID", description = "The session id.")
    String id;

    @Override
    public Integer call() {
      Transcript t = withStore(data.config(), s -> s.transcript(id).toCompletableFuture().join());
      if (t.turns().isEmpty()) throw new ErrorHandler.UserError("no session " + id);
      if (json) {
        System.out.println(Json.write(SessionJson.transcript(id, t)));
        return 0;
      }
      for (Turn turn : t.turns()) {
        System.out.println("[" + turn.number() + "] > " + turn.question());
        if (!turn.rewrittenQuery().equals(turn.question())) {
          System.out.println("    searched: " + turn.rewrittenQuery());
        }
        System.out.println("    " + (turn.isAnswered() ? turn.answer() : "(not answered yet)"));
      }
      if (!t.summary().isEmpty()) {
        System.out.println("Summary of turns 1-" + t.foldedThrough() + ": " + t.summary());
      }
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a session's history.")
  static final class Delete implements Callable<Integer> {
    @Mixin DataOption data;

    @Parameters(paramLabel = "ID", description = "The session id.")
    String id;

    @Override
    public Integer call() {
      boolean deleted = withStore(data.config(), s -> s.delete(id));
      if (!deleted) throw new ErrorHandler.UserError("no session " + id);
      System.out.println("deleted session " + id);
      return 0;
    }
  }
}
