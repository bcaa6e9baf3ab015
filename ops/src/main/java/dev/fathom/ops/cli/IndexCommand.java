package dev.fathom.ops.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fathom index check}: look after the passage index of a data directory. */
@Command(
    name = "index",
    description = "The passage index of the data directory: check it for corruption.",
    subcommands = {IndexCheckCommand.class})
public final class IndexCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
