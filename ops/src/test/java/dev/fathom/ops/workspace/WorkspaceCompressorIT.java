package dev.fathom.ops.workspace;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.fathom.compressors.CompressorKind;
import dev.fathom.compressors.ExtractiveCompressor;
import dev.fathom.compressors.recomp.TrainedExtractiveCompressor;
import dev.fathom.ops.config.FathomConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fathom.compressor.kind} chooses the compressor of the question pipeline. */
class WorkspaceCompressorIT {

  private static FathomConfig config(Path data, String kind) {
    return FathomConfig.from(
            ConfigFactory.parseString("fathom.compressor.kind = \"" + kind + "\"")
                .withFallback(ConfigFactory.load()))
        .withDataDir(data);
  }

  @Test
  void untrainedIsTheDefaultAndTrainedLoadsTheBundledModel(@TempDir Path data) {
    try (Workspace ws = new Workspace(FathomConfig.load().withDataDir(data))) {
      assertInstanceOf(ExtractiveCompressor.class, ws.configuredCompressor());
    }
    try (Workspace ws = new Workspace(config(data, "trained"))) {
      var c = assertInstanceOf(TrainedExtractiveCompressor.class, ws.configuredCompressor());
      assertTrue(c.policy().budgetTokens() <= 96, c.policy().toString());
    }
  }

  @Test
  void abstractiveNeedsAModelAndUnknownKindsAreNamed(@TempDir Path data) {
    try (Workspace ws = new Workspace(config(data, "abstractive"))) {
      var e = assertThrows(IllegalArgumentException.class, ws::configuredCompressor);
      assertTrue(e.getMessage().contains("got abstractive"), e.getMessage());
      var e2 =
          assertThrows(
              IllegalArgumentException.class,
              () -> ws.compressor(CompressorKind.ABSTRACTIVE, null));
      assertTrue(e2.getMessage().contains("needs a language model"), e2.getMessage());
    }
    try (Workspace ws = new Workspace(config(data, "learned"))) {
      var e = assertThrows(IllegalArgumentException.class, ws::configuredCompressor);
      assertTrue(e.getMessage().contains("untrained, trained, abstractive"), e.getMessage());
    }
  }
}
