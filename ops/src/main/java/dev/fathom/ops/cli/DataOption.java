package dev.fathom.ops.cli;

import dev.fathom.ops.config.FathomConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data DIR} option every command shares, and the configuration it selects. */
public final class DataOption {

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Data directory (index, model cache). Default: fathom.data-dir, ./fathom-data.")
  Path dataDir;

  public FathomConfig config() {
    FathomConfig c = FathomConfig.load();
    c = dataDir == null ? c : c.withDataDir(dataDir);
    EnvironmentChecks.dataDir(c.dataDir());
    return c;
  }
}
