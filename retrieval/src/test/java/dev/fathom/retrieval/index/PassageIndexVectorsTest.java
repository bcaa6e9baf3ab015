package dev.fathom.retrieval.index;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Passage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PassageIndex#vectors}: the stored vectors read back by passage id, on a real index. */
class PassageIndexVectorsTest {

  private static final String EMB = "test-embedding/3";

  private static Passage passage(String id, String source, String text) {
    return new Passage(id, source, "", text, 0, text.length());
  }

  @Test
  void readsTheStoredVectorsOfLivePassagesAcrossSegments(@TempDir Path dir) {
    try (PassageIndex idx = PassageIndex.openForWriting(dir, EMB)) {
      idx.replaceSource(
          new FileRecord("/a", "/root", "sha-a", 2),
          List.of(passage("/a#0", "/a", "alpha"), passage("/a#1", "/a", "beta")),
          List.of(new float[] {1, 0, 0}, new float[] {0, 1, 0}));
      idx.commit(); // a second commit makes a second segment
      idx.replaceSource(
          new FileRecord("/b", "/root", "sha-b", 1),
          List.of(passage("/b#0", "/b", "gamma")),
          List.of(new float[] {0, 0, 1}));
      idx.commit();
      Map<String, float[]> v = idx.vectors(List.of("/b#0", "/a#1", "/missing", "/a#0"));
      assertEquals(3, v.size(), "the unknown id is left out");
      assertArrayEquals(new float[] {1, 0, 0}, v.get("/a#0"));
      assertArrayEquals(new float[] {0, 1, 0}, v.get("/a#1"));
      assertArrayEquals(new float[] {0, 0, 1}, v.get("/b#0"));
      // A replaced source's old passages are deleted: their vectors are not returned.
      idx.replaceSource(
          new FileRecord("/a", "/root", "sha-a2", 1),
          List.of(passage("/a#0", "/a", "alpha again")),
          List.of(new float[] {0.6f, 0.8f, 0}));
      idx.commit();
      Map<String, float[]> after = idx.vectors(List.of("/a#0", "/a#1"));
      assertEquals(1, after.size());
      assertArrayEquals(new float[] {0.6f, 0.8f, 0}, after.get("/a#0"), 1e-6f);
    }
  }
}
