package dev.fathom.retrieval.index;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.access.AccessList;
import dev.fathom.retrieval.access.AccessLists;
import dev.fathom.retrieval.access.Principal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Access lists stored on passages and applied inside BM25 and HNSW searches. */
class PassageIndexAccessTest {

  private static final String EMB = "test-embedding/2";

  private static void add(
      PassageIndex idx, String source, AccessList acl, float angle, String text) {
    Passage p = new Passage(source + "#0", source, source, text, 0, text.length());
    float[] v = {(float) Math.cos(angle), (float) Math.sin(angle)};
    idx.replaceSource(new FileRecord(source, "/", "sha", 1, acl), List.of(p), List.of(v));
  }

  @Test
  void restrictedPassagesAreInvisibleToOthersWhateverK(@TempDir Path dir) {
    try (PassageIndex idx = PassageIndex.openForWriting(dir, EMB)) {
      add(idx, "/secret.md", AccessLists.parse("group:hr"), 0f, "salary of the ceo");
      add(idx, "/public.md", AccessList.PUBLIC, 1.5f, "salary bands in general");
      idx.commit();
      for (Principal p : List.of(Principal.anonymous(), Principal.user("bob", Set.of("eng")))) {
        assertEquals(List.of("/public.md"), sources(idx.bm25("salary ceo", 1000, p)));
        assertEquals(List.of("/public.md"), sources(idx.knn(new float[] {1, 0}, 1000, p)));
      }
      Principal ann = Principal.user("ann", Set.of("hr"));
      assertEquals("/secret.md", idx.bm25("salary ceo", 1, ann).getFirst().passage().source());
      assertEquals(2, idx.knn(new float[] {1, 0}, 10, ann).size());
      assertEquals(2, idx.bm25("salary", 10).size(), "the owner overload is unfiltered");
      assertEquals(
          AccessLists.parse("group:hr"), idx.fileRecords().get("/secret.md").acl(), "round trip");
    }
  }

  @Test
  void knnFiltersInsideTheGraphSearchNotAfterIt(@TempDir Path dir) {
    // The 50 nearest passages are all forbidden; a post-filter over the top 5 would return nothing.
    try (PassageIndex idx = PassageIndex.openForWriting(dir, EMB)) {
      for (int i = 0; i < 50; i++) {
        add(idx, "/near" + i, AccessLists.parse("user:root"), i * 0.001f, "near");
      }
      for (int i = 0; i < 50; i++) add(idx, "/far" + i, AccessList.PUBLIC, 1 + i * 0.01f, "far");
      idx.commit();
      List<ScoredPassage> hits = idx.knn(new float[] {1, 0}, 5, Principal.anonymous());
      assertEquals(5, hits.size());
      for (ScoredPassage h : hits) assertTrue(h.passage().source().startsWith("/far"));
      assertEquals("/far0", hits.getFirst().passage().source(), "nearest permitted first");
    }
  }

  private static List<String> sources(List<ScoredPassage> hits) {
    List<String> out = new ArrayList<>();
    for (ScoredPassage h : hits) out.add(h.passage().source());
    return out;
  }
}
