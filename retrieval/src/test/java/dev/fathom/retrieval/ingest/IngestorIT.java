package dev.fathom.retrieval.ingest;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest into a real index on disk with the real embedding model. */
class IngestorIT {

  private static final String EMB = "all-minilm-l6-v2/384";

  @TempDir Path tmp;

  private Path corpus() throws Exception {
    Path docs = Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(
        docs.resolve("kafka.md"),
        "# Kafka\n\nKafka stores records in partitions. Each partition is replicated.\n");
    Files.writeString(
        docs.resolve("lucene.html"),
        "<html><head><title>Lucene</title></head><body><p>Lucene builds an inverted index.</p><script>x()</script></body></html>");
    Files.writeString(
        docs.resolve("notes.txt"), "Notes\n\nPekko actors process one message at a time.\n");
    Files.write(docs.resolve("blob.txt"), new byte[] {0x50, 0x4b, 0, 0, 1, 2, 3});
    Files.writeString(docs.resolve("ignored.csv"), "a,b\n");
    Files.createDirectories(docs.resolve(".git"));
    Files.writeString(docs.resolve(".git/HEAD.md"), "# hidden\n\nShould not be indexed.\n");
    return docs;
  }

  private IngestReport ingest(Path index, List<Path> paths, List<String> warnings) {
    try (PassageIndex idx = PassageIndex.openForWriting(index, EMB)) {
      return new Ingestor(idx, TestEmbedder.shared(), Ingestor.Settings.defaults(), Set.of())
          .ingest(
              paths,
              new IngestListener() {
                @Override
                public void warning(Path file, String reason) {
                  warnings.add(reason);
                }
              });
    }
  }

  @Test
  void ingestsSupportedFilesSkipsBadOnesAndIsIncremental() throws Exception {
    Path docs = corpus();
    Path index = tmp.resolve("index");
    List<String> warnings = new ArrayList<>();

    IngestReport first = ingest(index, List.of(docs), warnings);
    assertEquals(
        4, first.files(), "md, html, txt and the binary txt; csv and hidden files ignored");
    assertEquals(3, first.indexed());
    assertEquals(1, first.failed());
    assertTrue(
        warnings.getFirst().contains("blob.txt") && warnings.getFirst().contains("binary"),
        warnings.toString());
    assertTrue(first.passages() >= 3);

    IngestReport again = ingest(index, List.of(docs), new ArrayList<>());
    assertEquals(3, again.unchanged());
    assertEquals(0, again.indexed());

    Files.writeString(
        docs.resolve("kafka.md"), "# Kafka\n\nKafka consumers form groups and share partitions.\n");
    Files.delete(docs.resolve("notes.txt"));
    IngestReport changed = ingest(index, List.of(docs), new ArrayList<>());
    assertEquals(1, changed.indexed());
    assertEquals(1, changed.removed());

    try (PassageIndex idx = PassageIndex.openReadOnly(index, EMB)) {
      assertEquals(2, idx.fileRecords().size());
      assertTrue(
          idx.bm25("consumers groups", 5).getFirst().passage().source().endsWith("kafka.md"));
      assertTrue(idx.bm25("replicated", 5).isEmpty(), "old version of kafka.md is gone");
      assertTrue(idx.bm25("Pekko actors", 5).isEmpty(), "deleted file is gone");
      assertEquals("Lucene", idx.bm25("inverted index", 5).getFirst().passage().title());
    }
  }

  @Test
  void aPathThatDoesNotExistFailsBeforeAnyChange() throws Exception {
    Path docs = corpus();
    Path index = tmp.resolve("index");
    ingest(index, List.of(docs), new ArrayList<>());
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ingest(
                    index,
                    List.of(docs.resolve("kafka.md"), tmp.resolve("nope")),
                    new ArrayList<>()));
    assertTrue(
        e.getMessage().contains("no such file or directory") && e.getMessage().contains("nope"),
        e.getMessage());
    try (PassageIndex idx = PassageIndex.openReadOnly(index, EMB)) {
      assertEquals(3, idx.fileRecords().size());
    }
  }

  @Test
  void anIngestThatDiesHalfWayLeavesThePreviousCommitSearchable() throws Exception {
    Path docs = corpus();
    Path index = tmp.resolve("index");
    ingest(index, List.of(docs), new ArrayList<>());
    int before;
    try (PassageIndex idx = PassageIndex.openReadOnly(index, EMB)) {
      before = idx.passageCount();
    }
    Path more = Files.createDirectories(tmp.resolve("more"));
    for (int i = 0; i < 40; i++) {
      Files.writeString(
          more.resolve("doc" + i + ".md"),
          "# Doc " + i + "\n\nSentence number " + i + " about turbines.\n");
    }
    Embedder dying = new FailingEmbedder(TestEmbedder.shared(), 1);
    try (PassageIndex idx = PassageIndex.openForWriting(index, EMB)) {
      Ingestor ingestor =
          new Ingestor(
              idx,
              dying,
              new Ingestor.Settings(dev.fathom.retrieval.text.Chunker.defaults(), 8, 10_000),
              Set.of());
      assertThrows(
          IllegalStateException.class, () -> ingestor.ingest(List.of(more), IngestListener.NONE));
    }
    try (PassageIndex idx = PassageIndex.openReadOnly(index, EMB)) {
      assertEquals(before, idx.passageCount());
      assertTrue(idx.bm25("turbines", 5).isEmpty());
    }
  }

  /** Works for {@code calls} calls, then fails as a killed model would. */
  private record FailingEmbedder(Embedder delegate, AtomicInteger left) implements Embedder {
    FailingEmbedder(Embedder delegate, int calls) {
      this(delegate, new AtomicInteger(calls));
    }

    @Override
    public int dimension() {
      return delegate.dimension();
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      if (left.getAndDecrement() <= 0) throw new IllegalStateException("model died");
      return delegate.embedAll(texts);
    }

    @Override
    public int countTokens(String text) {
      return delegate.countTokens(text);
    }

    @Override
    public void close() {}
  }
}
