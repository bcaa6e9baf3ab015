package dev.fathom.ops.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code fathom completion bash}: prints a completion script for every command and option
 * (picocli's {@link AutoComplete}), to be sourced by bash or zsh (after {@code autoload -U
 * bashcompinit && bashcompinit}).
 */
@Command(
    name = "completion",
    description = {
      "Print a shell completion script for fathom's commands and options.",
      "Load it with: source <(fathom completion bash); zsh: autoload -U bashcompinit &&"
          + " bashcompinit first."
    })
public final class CompletionCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "SHELL",
      description = "bash (the script works in zsh too, through bashcompinit).")
  String shell;

  @Override
  public void run() {
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      throw new IllegalArgumentException(
          "completion scripts are for bash or zsh, got \"" + shell + "\"");
    }
    CommandLine root = spec.root().commandLine();
    System.out.print(AutoComplete.bash(root.getCommandName(), root));
  }
}
