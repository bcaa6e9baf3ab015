package dev.fathom.ops.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.fathom.compressors.CompressorKind;
import dev.fathom.compressors.Evidence;
import dev.fathom.compressors.ExtractiveCompressor;
import dev.fathom.compressors.recomp.TrainedExtractiveCompressor;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.ingest.IngestListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
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

  /**
   * {@code fathom ingest} stores sentence vectors that the workspace's compressors find, unless
   * {@code fathom.ingest.sentence-vectors = false}; either way the compressors answer.
   */
  @Test
  void ingestStoresSentenceVectorsTheCompressorsFindUnlessTurnedOff(
      @TempDir Path data, @TempDir Path docs) throws Exception {
    Path file = docs.resolve("kafka.txt");
    Files.writeString(
        file,
        "Kafka\n\nKafka partitions are replicated across brokers. Each partition has one leader."
            + " Followers copy the leader's log and take over when it fails.\n");
    for (boolean on : new boolean[] {true, false}) {
      FathomConfig c =
          FathomConfig.from(
                  ConfigFactory.parseString("fathom.ingest.sentence-vectors = " + on)
                      .withFallback(ConfigFactory.load()))
              .withDataDir(data.resolve("data-" + on));
      try (Workspace ws = new Workspace(c)) {
        ws.ingest(List.of(docs), new IngestListener() {});
        List<Passage> ps = ws.readIndex().passagesOf(file.toString(), Principal.owner());
        assertFalse(ps.isEmpty());
        var found = ws.storedSentenceVectors().find(ps);
        if (on) {
          assertEquals(
              ps.stream().map(Passage::id).collect(java.util.stream.Collectors.toSet()),
              found.keySet());
          assertTrue(found.get(ps.getFirst().id()).spans().size() >= 3, found.toString());
        } else {
          assertEquals(Set.of(), found.keySet());
        }
        for (CompressorKind kind : List.of(CompressorKind.UNTRAINED, CompressorKind.TRAINED)) {
          Evidence ev =
              ws.compressor(kind, null)
                  .compress("Who copies the leader's log?", List.of(new Hit(ps.getFirst(), 1, 1)));
          assertTrue(
              ev.sentences().stream().anyMatch(x -> x.text().startsWith("Followers")),
              kind + " " + on + ": " + ev);
        }
      }
    }
  }
}
