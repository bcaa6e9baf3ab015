package dev.fathom.ops;

import dev.fathom.ops.cli.AskCommand;
import dev.fathom.ops.cli.BehaviorsCommand;
import dev.fathom.ops.cli.BenchCommand;
import dev.fathom.ops.cli.ChatCommand;
import dev.fathom.ops.cli.CollectionsCommand;
import dev.fathom.ops.cli.CompletionCommand;
import dev.fathom.ops.cli.DocumentsCommand;
import dev.fathom.ops.cli.ErrorHandler;
import dev.fathom.ops.cli.EvalCommand;
import dev.fathom.ops.cli.FeedbackCommand;
import dev.fathom.ops.cli.GenerateCommand;
import dev.fathom.ops.cli.HelpLayout;
import dev.fathom.ops.cli.IndexCommand;
import dev.fathom.ops.cli.IngestCommand;
import dev.fathom.ops.cli.ModelCommand;
import dev.fathom.ops.cli.SearchCommand;
import dev.fathom.ops.cli.ServeCommand;
import dev.fathom.ops.cli.SessionsCommand;
import dev.fathom.ops.cli.TestCommand;
import dev.fathom.ops.cli.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fathom} command line. */
@Command(
    name = "fathom",
    mixinStandardHelpOptions = true,
    // --help and --version on every subcommand too (`fathom ask --help`, as the docs show).
    scope = CommandLine.ScopeType.INHERIT,
    versionProvider = Fathom.Version.class,
    description =
        "Ask questions of your documents: hybrid Lucene retrieval, RECOMP compression,"
            + " cited answers, coordinated by Pekko actors.",
    subcommands = {
      AskCommand.class,
      ChatCommand.class,
      SessionsCommand.class,
      SearchCommand.class,
      GenerateCommand.class,
      IngestCommand.class,
      CollectionsCommand.class,
      DocumentsCommand.class,
      EvalCommand.class,
      BenchCommand.class,
      TrainCommand.class,
      ServeCommand.class,
      ModelCommand.class,
      IndexCommand.class,
      BehaviorsCommand.class,
      FeedbackCommand.class,
      TestCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Fathom implements Runnable {

  /**
   * Lucene announces its SIMD setup through java.util.logging at INFO on every start; that is noise
   * on a command line. Held in a field because JUL keeps loggers only weakly.
   */
  private static final java.util.logging.Logger LUCENE_LOG =
      java.util.logging.Logger.getLogger("org.apache.lucene");

  /**
   * Without the incubating Vector API (the launcher loads it only for commands that run a language
   * model, to spare every other command the JVM's incubator warning) Lucene scores vectors with
   * scalar code and says so at WARNING on every start; that speed matters little at our index
   * sizes.
   */
  private static final java.util.logging.Logger LUCENE_VECTOR_LOG =
      java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (0 ok, 1 failed, 2 bad usage). */
  public static int run(String... args) {
    LUCENE_LOG.setLevel(java.util.logging.Level.WARNING);
    LUCENE_VECTOR_LOG.setLevel(java.util.logging.Level.SEVERE);
    CommandLine cli = new CommandLine(new Fathom());
    HelpLayout.apply(cli, 80); // wrap help at spaces, never inside fathom.questions
    cli.setExecutionExceptionHandler(new ErrorHandler());
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Fathom.class.getPackage().getImplementationVersion();
      return new String[] {
        "fathom " + (v == null ? "(development build)" : v),
        "java " + System.getProperty("java.version")
      };
    }
  }
}
