package dev.fathom.retrieval.index;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.SentenceVectors;
import dev.fathom.retrieval.text.SentenceSplitter;
import dev.fathom.retrieval.text.TextSpan;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sentence vectors written with passages into a real Lucene index and read back by passage. */
class StoredSentenceVectorsTest {

  private static final String EMB = "test-embedding/4";

  private static Passage passage(String source, String text) {
    return new Passage(source + "#0", source, "T", text, 0, text.length());
  }

  private static SentenceVectors vectorsOf(String text) {
    List<TextSpan> spans = SentenceSplitter.sentences(text);
    return new SentenceVectors(
        spans, spans.stream().map(s -> new float[] {s.length() / 100f, 0.5f, 0, 0}).toList());
  }

  @Test
  void storedVectorsComeBackForTheirPassageOnly(@TempDir Path dir) {
    Passage a = passage("/a.md", "Kafka replicates partitions. Brokers elect a leader.");
    Passage old = passage("/old.md", "Written before sentence vectors were stored.");
    try (PassageIndex idx = PassageIndex.openForWriting(dir, EMB)) {
      float[] v = {1, 0, 0, 0};
      idx.replaceSource(
          new FileRecord("/a.md", "/", "s", 1),
          List.of(a),
          List.of(v),
          List.of(vectorsOf(a.text())));
      idx.replaceSource(new FileRecord("/old.md", "/", "s", 1), List.of(old), List.of(v));
      idx.commit();
    }
    try (PassageIndex idx = PassageIndex.openReadOnly(dir, EMB)) {
      assertTrue(idx.storesSentenceVectors());
      Passage unknown = passage("/nowhere.md", "Not in this index.");
      Map<String, SentenceVectors> found =
          idx.sentenceVectors(EMB, 4).find(List.of(a, old, unknown));
      assertEquals(java.util.Set.of("/a.md#0"), found.keySet(), "old and unknown passages absent");
      SentenceVectors got = found.get("/a.md#0");
      TextSpan second = SentenceSplitter.sentences(a.text()).get(1);
      assertEquals(0.5f, got.vectorOf(second)[1], 0.5f / 127);
      assertEquals(second.length() / 100f, got.vectorOf(second)[0], 0.5f / 127);

      // Vectors of another model or dimension are ignored, not misused.
      assertTrue(idx.sentenceVectors("other-model/4", 4).find(List.of(a)).isEmpty());
      assertTrue(idx.sentenceVectors(EMB, 8).find(List.of(a)).isEmpty());
      // Another passage text under the same id (another collection's copy) gets none.
      Passage changed = new Passage(a.id(), a.source(), "T", a.text() + " More.", 0, 60);
      assertTrue(idx.sentenceVectors(EMB, 4).find(List.of(changed)).isEmpty());
    }
  }

  @Test
  void replacingASourceReplacesItsSentenceVectors(@TempDir Path dir) {
    Passage a = passage("/a.md", "First version of the text.");
    Passage b = passage("/a.md", "Second version. It has two sentences.");
    try (PassageIndex idx = PassageIndex.openForWriting(dir, EMB)) {
      FileRecord r = new FileRecord("/a.md", "/", "s", 1);
      float[] v = {1, 0, 0, 0};
      idx.replaceSource(r, List.of(a), List.of(v), List.of(vectorsOf(a.text())));
      idx.replaceSource(r, List.of(b), List.of(v), List.of(vectorsOf(b.text())));
      idx.commit();
      assertEquals(1, idx.passageCount());
      SentenceVectors got = idx.sentenceVectors(EMB, 4).find(List.of(b)).get(b.id());
      assertEquals(2, got.spans().size());
      assertTrue(idx.sentenceVectors(EMB, 4).find(List.of(a)).isEmpty(), "old text gone");
    }
  }

  @Test
  void refusesListsOutOfStep(@TempDir Path dir) {
    Passage a = passage("/a.md", "One sentence.");
    try (PassageIndex idx = PassageIndex.openForWriting(dir, EMB)) {
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  idx.replaceSource(
                      new FileRecord("/a.md", "/", "s", 1),
                      List.of(a),
                      List.of(new float[] {1, 0, 0, 0}),
                      List.of()));
      assertTrue(e.getMessage().contains("0 sentence-vector lists"), e.getMessage());
    }
  }
}
