package dev.fathom.retrieval.index;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Passage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stream offsets committed with the documents, and corruption found before it is served. */
class PassageIndexRecoveryTest {

  private static final String EMB = "test-embedding/2";
  private static final StreamPartition P0 = new StreamPartition("fathom.documents", 0);
  private static final StreamPartition P1 = new StreamPartition("fathom.documents", 1);

  private static void add(PassageIndex idx, String source, String text) {
    List<Passage> ps = new ArrayList<>();
    List<float[]> vs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String t = text + " number " + i + " with some more words to fill the stored fields";
      ps.add(new Passage(source + "#" + i, source, source, t, 0, t.length()));
      vs.add(new float[] {0.6f, 0.8f});
    }
    idx.replaceSource(new FileRecord(source, "/", "sha", ps.size()), ps, vs);
  }

  @Test
  void offsetsAreCommittedWithTheDocumentsAndReadBackOnOpen(@TempDir Path dir) {
    try (PassageIndex w = PassageIndex.openForWriting(dir, EMB)) {
      assertEquals(Map.of(), w.appliedOffsets(), "a new index has applied nothing");
      add(w, "a", "alpha");
      w.commit(Map.of(P0, 17L, P1, 3L));
      add(w, "b", "beta");
      w.commit(Map.of(P1, 9L)); // P0 keeps 17
      add(w, "c", "gamma");
      w.commit(); // a commit without offsets keeps them
      add(w, "d", "delta");
      // closed without commit: neither "d" nor any offset for it survives
    }
    try (PassageIndex r = PassageIndex.openReadOnly(dir, EMB)) {
      assertEquals(Map.of(P0, 17L, P1, 9L), r.appliedOffsets());
      assertEquals(60, r.passageCount());
    }
    try (PassageIndex w = PassageIndex.openForWriting(dir, EMB)) {
      assertEquals(Map.of(P0, 17L, P1, 9L), w.appliedOffsets());
      assertThrows(IllegalArgumentException.class, () -> w.commit(Map.of(P0, -1L)));
    }
    assertThrows(IllegalArgumentException.class, () -> new StreamPartition("a:b", 0));
  }

  @Test
  void aHealthyIndexChecksClean(@TempDir Path dir) {
    try (PassageIndex w = PassageIndex.openForWriting(dir, EMB)) {
      add(w, "a", "alpha");
      w.commit(Map.of(P0, 5L));
    }
    IndexCheck.Result r = IndexCheck.run(dir);
    assertTrue(r.healthy(), r.problems() + "\n" + r.details());
    assertEquals(21, r.documents());
    assertEquals(Map.of(P0, 5L), r.appliedOffsets());
  }

  @Test
  void flippedBytesInACompoundFileAreAClearErrorAtOpenAndInTheCheck(@TempDir Path dir)
      throws IOException {
    try (PassageIndex w = PassageIndex.openForWriting(dir, EMB)) {
      add(w, "a", "alpha");
      w.commit();
    }
    Path cfs;
    try (Stream<Path> files = Files.list(dir)) {
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
    IndexUnavailableException e =
        assertThrows(IndexUnavailableException.class, () -> PassageIndex.openReadOnly(dir, EMB));
    assertTrue(e.getMessage().contains("is corrupt"), e.getMessage());
    assertTrue(e.getMessage().contains("fathom index check"), e.getMessage());
    assertThrows(IndexUnavailableException.class, () -> PassageIndex.openForWriting(dir, EMB));

    IndexCheck.Result r = IndexCheck.run(dir);
    assertFalse(r.healthy());
    assertFalse(r.problems().isEmpty());
    assertTrue(r.advice().contains("fathom.documents"), r.advice());
  }

  @Test
  void checkingAMissingIndexSaysSo(@TempDir Path dir) {
    IndexCheck.Result r = IndexCheck.run(dir.resolve("none"));
    assertFalse(r.healthy());
    assertTrue(r.problems().getFirst().contains("no committed index"));
  }
}
