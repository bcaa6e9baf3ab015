package dev.fathom.ops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.ops.Fathom;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.index.FileRecord;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.index.StreamPartition;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fathom index check} on a real Lucene index: healthy, corrupted, and absent. */
class IndexCheckCommandTest {

  /** Runs {@code fathom index check --data DIR}; returns exit code and what it printed. */
  private record Run(int exit, String out) {}

  private static Run check(Path data) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      int exit = new CommandLine(new Fathom()).execute("index", "check", "--data", data.toString());
      return new Run(exit, buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  private static void writeIndex(Path index) {
    try (PassageIndex w = PassageIndex.openForWriting(index, "test-embedding/2")) {
      List<Passage> ps = new ArrayList<>();
      List<float[]> vs = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String t = "passage number " + i + " with some more words to fill the stored fields";
        ps.add(new Passage("a#" + i, "a", "a", t, 0, t.length()));
        vs.add(new float[] {0.6f, 0.8f});
      }
      w.replaceSource(new FileRecord("a", "/", "sha", ps.size()), ps, vs);
      w.commit(Map.of(new StreamPartition("fathom.documents", 0), 7L));
    }
  }

  private static Path indexDir(Path data) {
    return dev.fathom.ops.config.FathomConfig.load().withDataDir(data).indexDir();
  }

  @Test
  void aHealthyIndexExitsZeroAndSaysSo(@TempDir Path data) {
    writeIndex(indexDir(data));
    Run r = check(data);
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("index healthy"), r.out());
    assertTrue(r.out().contains("offset 7"), r.out());
  }

  @Test
  void flippedBytesExitNonZeroNamingTheProblemAndWhatToDo(@TempDir Path data) throws Exception {
    Path index = indexDir(data);
    writeIndex(index);
    Path cfs;
    try (Stream<Path> files = Files.list(index)) {
      cfs = files.filter(f -> f.toString().endsWith(".cfs")).findFirst().orElseThrow();
    }
    try (FileChannel ch =
        FileChannel.open(cfs, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long at = ch.size() / 2;
      ByteBuffer b = ByteBuffer.allocate(8);
      ch.read(b, at);
      for (int i = 0; i < 8; i++) b.put(i, (byte) ~b.get(i));
      b.rewind();
      ch.write(b, at);
    }
    Run r = check(data);
    assertEquals(1, r.exit(), r.out());
    assertTrue(r.out().contains("index NOT healthy"), r.out());
    assertTrue(r.out().contains("corrupt"), r.out());
    assertTrue(r.out().contains("what to do:"), r.out());
  }

  @Test
  void aMissingIndexExitsNonZero(@TempDir Path data) {
    Run r = check(data);
    assertEquals(1, r.exit(), r.out());
    assertTrue(r.out().contains("no committed index"), r.out());
  }
}
