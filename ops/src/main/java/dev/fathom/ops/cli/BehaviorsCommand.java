package dev.fathom.ops.cli;

import dev.fathom.behaviors.BehaviorModule;
import dev.fathom.behaviors.handbook.Behavior;
import dev.fathom.behaviors.handbook.BehaviorJson;
import dev.fathom.behaviors.handbook.Handbook;
import dev.fathom.ops.workspace.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fathom behaviors list|show|add|remove|import|export|mine}: the behavior handbook of the
 * data directory (docs/behaviors.md). These commands edit {@code <data>/behaviors} directly; a
 * running {@code fathom serve} owns its handbook, so edit that one over HTTP ({@code
 * /v1/behaviors}).
 */
@Command(
    name = "behaviors",
    description = {
      "The behavior handbook: reusable procedures mined from answers (docs/behaviors.md).",
      "These commands edit the data directory's handbook; for a running `fathom serve` use"
          + " /v1/behaviors."
    },
    subcommands = {BehaviorsMineCommand.class})
public final class BehaviorsCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Context length assumed for the library when no answer model is involved. */
  private static final int NO_MODEL_CONTEXT = 4096;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "list", description = "List the behaviors: name, uses, topic, instruction.")
  int list(
      @Mixin DataOption data,
      @Option(names = "--json", description = "Print the handbook file format.") boolean json) {
    return withHandbook(
        data,
        h -> {
          List<Behavior> all = h.list();
          if (json) {
            System.out.println(BehaviorJson.writeFile(all));
          } else if (all.isEmpty()) {
            System.out.println("The handbook is empty.");
          } else {
            for (Behavior b : all) {
              String topic = b.topic().isEmpty() ? "" : " [" + b.topic() + "]";
              System.out.printf("%s (%d uses)%s: %s%n", b.name(), b.uses(), topic, b.instruction());
            }
          }
          return 0;
        });
  }

  @Command(name = "show", description = "Print one behavior as JSON.")
  int show(@Mixin DataOption data, @Parameters(paramLabel = "NAME") String name) {
    return withHandbook(
        data,
        h -> {
          Behavior b =
              h.get(name)
                  .orElseThrow(() -> new ErrorHandler.UserError("no behavior named " + name));
          System.out.println(BehaviorJson.write(b));
          return 0;
        });
  }

  @Command(
      name = "add",
      description = "Add a behavior by hand (merges with one of the same name or wording).")
  int add(
      @Mixin DataOption data,
      @Parameters(index = "0", paramLabel = "NAME", description = "behavior_<snake_case_name>")
          String name,
      @Parameters(index = "1", paramLabel = "INSTRUCTION", description = "One line.")
          String instruction,
      @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "") String topic) {
    Behavior candidate;
    try {
      candidate = Behavior.of(name, instruction, topic);
    } catch (IllegalArgumentException e) {
      throw new ErrorHandler.UserError(e.getMessage());
    }
    return withHandbook(
        data,
        h -> {
          Handbook.Change c = h.add(candidate);
          System.out.println(describe(c));
          return 0;
        });
  }

  @Command(name = "remove", description = "Remove a behavior.")
  int remove(@Mixin DataOption data, @Parameters(paramLabel = "NAME") String name) {
    return withHandbook(
        data,
        h -> {
          if (!h.remove(name)) throw new ErrorHandler.UserError("no behavior named " + name);
          System.out.println("removed " + name);
          return 0;
        });
  }

  @Command(
      name = "import",
      description = "Add the behaviors of a handbook file (JSON, see docs/behaviors.md).")
  int importFile(@Mixin DataOption data, @Parameters(paramLabel = "FILE") Path file) {
    List<Behavior> read;
    try {
      read = BehaviorJson.readFile(Files.readString(file));
    } catch (IOException e) {
      throw new ErrorHandler.UserError(file + ": cannot read: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ErrorHandler.UserError(file + ": " + e.getMessage());
    }
    return withHandbook(
        data,
        h -> {
          List<Handbook.Change> changes = h.addAll(read);
          long added = changes.stream().filter(c -> c.outcome() == Handbook.Outcome.ADDED).count();
          System.out.printf(
              "imported %d behaviors from %s: %d new, %d merged%n",
              changes.size(), file, added, changes.size() - added);
          return 0;
        });
  }

  @Command(
      name = "export",
      description = "Write the handbook as a JSON handbook file (to stdout without FILE).")
  int export(@Mixin DataOption data, @Parameters(paramLabel = "FILE", arity = "0..1") Path file) {
    return withHandbook(
        data,
        h -> {
          String text = BehaviorJson.writeFile(h.list());
          if (file == null) {
            System.out.println(text);
            return 0;
          }
          try {
            Files.writeString(file, text + "\n");
          } catch (IOException e) {
            throw new ErrorHandler.UserError(file + ": cannot write: " + e.getMessage());
          }
          System.err.println("wrote " + h.size() + " behaviors to " + file);
          return 0;
        });
  }

  static String describe(Handbook.Change c) {
    return switch (c.outcome()) {
      case ADDED -> "added " + c.stored().name();
      case MERGED_SAME_NAME -> "merged into " + c.stored().name() + " (same name)";
      default ->
          String.format("merged into %s (similarity %.2f)", c.stored().name(), c.similarity());
    };
  }

  static int withHandbook(DataOption data, Function<Handbook, Integer> action) {
    try (Workspace ws = new Workspace(data.config())) {
      BehaviorModule module = ws.behaviors(NO_MODEL_CONTEXT);
      return action.apply(module.handbook());
    }
  }
}
