package dev.fathom.ops.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fathom model info|synth}: look inside GGUF model files and write synthetic ones. */
@Command(
    name = "model",
    description = "GGUF model files: describe one, or write a random-weight model for speed tests.",
    subcommands = {ModelInfoCommand.class, ModelSynthCommand.class})
public final class ModelCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
