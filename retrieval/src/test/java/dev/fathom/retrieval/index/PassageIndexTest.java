package dev.fathom.retrieval.index;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Passage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Lucene index on disk, with hand-made unit vectors instead of a model. */
class PassageIndexTest {

  private static final String EMB = "test-embedding/4";

  private static float[] unit(float... v) {
    double n = 0;
    for (float x : v) n += x * x;
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) out[i] = (float) (v[i] / Math.sqrt(n));
    return out;
  }

  private static void addSource(PassageIndex idx, String source, String... texts) {
    List<Passage> ps =
        java.util.stream.IntStream.range(0, texts.length)
            .mapToObj(
                i ->
                    new Passage(
                        source + "#" + i,
                        source,
                        "Title " + source,
                        texts[i],
                        i * 100,
                        i * 100 + texts[i].length()))
            .toList();
    List<float[]> vs = ps.stream().map(p -> unit(p.text().length(), 1, 2, 3)).toList();
    idx.replaceSource(new FileRecord(source, "/root", "sha-" + source, ps.size()), ps, vs);
  }

  @Test
  void searchesByBm25AndVectorAndKeepsSourceRecords(@TempDir Path dir) {
    try (PassageIndex idx = PassageIndex.openForWriting(dir, EMB)) {
      addSource(idx, "/a.md", "Kafka brokers replicate partitions.", "Lucene builds HNSW graphs.");
      addSource(idx, "/b.md", "Pekko actors exchange messages.");
      idx.commit();
      assertEquals(3, idx.passageCount());
      List<ScoredPassage> bm25 = idx.bm25("how are partitions replicated?", 10);
      assertEquals("/a.md#0", bm25.getFirst().passage().id());
      assertEquals(0, bm25.getFirst().passage().start());
      assertEquals(2, idx.knn(unit(1, 1, 2, 3), 2).size());
      assertEquals(2, idx.fileRecords().size());
      assertEquals(2, idx.fileRecords().get("/a.md").passages());
    }
  }

  @Test
  void replacingASourceDropsItsOldPassages(@TempDir Path dir) {
    try (PassageIndex idx = PassageIndex.openForWriting(dir, EMB)) {
      addSource(idx, "/a.md", "old text about zebras", "more zebras");
      idx.commit();
      addSource(idx, "/a.md", "new text about giraffes");
      idx.commit();
      assertEquals(1, idx.passageCount());
      assertTrue(idx.bm25("zebras", 5).isEmpty());
      idx.deleteSource("/a.md");
      idx.commit();
      assertEquals(0, idx.passageCount());
      assertTrue(idx.fileRecords().isEmpty());
    }
  }

  @Test
  void uncommittedChangesAreInvisibleToReadersAndLostOnClose(@TempDir Path dir) {
    try (PassageIndex w = PassageIndex.openForWriting(dir, EMB)) {
      addSource(w, "/a.md", "committed passage");
      w.commit();
      addSource(w, "/b.md", "uncommitted passage");
      try (PassageIndex r = PassageIndex.openReadOnly(dir, EMB)) {
        assertEquals(1, r.passageCount());
      }
    }
    try (PassageIndex r = PassageIndex.openReadOnly(dir, EMB)) {
      assertEquals(1, r.passageCount(), "close must not commit pending changes");
    }
  }

  @Test
  void queryTextIsNeverParsedAsQuerySyntax(@TempDir Path dir) {
    try (PassageIndex idx = PassageIndex.openForWriting(dir, EMB)) {
      addSource(idx, "/a.md", "AND OR NOT title:x (unbalanced");
      idx.commit();
      assertDoesNotThrow(() -> idx.bm25("title:x AND (unbalanced \" * ? ~", 5));
      assertTrue(idx.bm25("the of and", 5).isEmpty(), "only stop words: no query");
      assertDoesNotThrow(
          () ->
              idx.bm25(
                  "word ".repeat(5000) + String.join(" ", java.util.Collections.nCopies(3000, "x")),
                  5));
    }
  }

  @Test
  void missingIndexIsReported(@TempDir Path dir) {
    var e =
        assertThrows(
            IndexUnavailableException.class,
            () -> PassageIndex.openReadOnly(dir.resolve("none"), EMB));
    assertTrue(e.getMessage().contains("fathom ingest"), e.getMessage());
  }

  @Test
  void anotherEmbeddingModelIsRefused(@TempDir Path dir) {
    try (PassageIndex idx = PassageIndex.openForWriting(dir, EMB)) {
      addSource(idx, "/a.md", "text");
      idx.commit();
    }
    var e =
        assertThrows(
            IndexUnavailableException.class, () -> PassageIndex.openReadOnly(dir, "other/384"));
    assertTrue(e.getMessage().contains("other/384"), e.getMessage());
  }

  @Test
  void aLuceneIndexThatIsNotFathomsIsRefused(@TempDir Path dir) throws IOException {
    try (var d = org.apache.lucene.store.FSDirectory.open(dir);
        var w =
            new org.apache.lucene.index.IndexWriter(
                d, new org.apache.lucene.index.IndexWriterConfig())) {
      w.addDocument(new org.apache.lucene.document.Document());
      w.commit();
    }
    var e =
        assertThrows(IndexUnavailableException.class, () -> PassageIndex.openReadOnly(dir, EMB));
    assertTrue(e.getMessage().contains("not a Fathom index"), e.getMessage());
  }

  @Test
  void corruptIndexIsReportedWithoutAStackTraceForTheUser(@TempDir Path dir) throws IOException {
    try (PassageIndex idx = PassageIndex.openForWriting(dir, EMB)) {
      addSource(idx, "/a.md", "text");
      idx.commit();
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f :
          files.filter(p -> p.getFileName().toString().startsWith("segments_")).toList()) {
        byte[] b = Files.readAllBytes(f);
        for (int i = 8; i < b.length; i++) b[i] ^= 0x5A;
        Files.write(f, b);
      }
    }
    var e =
        assertThrows(IndexUnavailableException.class, () -> PassageIndex.openReadOnly(dir, EMB));
    assertTrue(
        e.getMessage().contains("corrupt") || e.getMessage().contains("cannot open"),
        e.getMessage());
  }

  @Test
  void aSecondWriterIsToldTheIndexIsLocked(@TempDir Path dir) {
    try (PassageIndex first = PassageIndex.openForWriting(dir, EMB)) {
      var e =
          assertThrows(
              IndexUnavailableException.class, () -> PassageIndex.openForWriting(dir, EMB));
      assertTrue(e.getMessage().contains("locked"), e.getMessage());
    }
  }

  @Test
  void anIndexFromAnotherFathomFormatIsRefusedWithWhatToDo(@TempDir Path dir) throws IOException {
    try (var d = org.apache.lucene.store.FSDirectory.open(dir);
        var w =
            new org.apache.lucene.index.IndexWriter(
                d, new org.apache.lucene.index.IndexWriterConfig())) {
      w.addDocument(new org.apache.lucene.document.Document());
      w.setLiveCommitData(
          java.util.Map.of("fathom.index.format", "0", "fathom.embedding", EMB).entrySet());
      w.commit();
    }
    var e =
        assertThrows(IndexUnavailableException.class, () -> PassageIndex.openForWriting(dir, EMB));
    assertTrue(
        e.getMessage().contains("has format 0 but this Fathom needs format 2"), e.getMessage());
    assertTrue(e.getMessage().contains("ingest again"), e.getMessage());
  }
}
