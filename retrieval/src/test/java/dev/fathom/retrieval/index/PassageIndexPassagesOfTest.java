package dev.fathom.retrieval.index;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.access.AccessList;
import dev.fathom.retrieval.access.Principal;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source's passages in document order, behind the same access filter as searches. */
class PassageIndexPassagesOfTest {

  private static final String EMB = "test-embedding/2";

  private static void add(PassageIndex idx, String source, AccessList acl, String... texts) {
    var passages = new java.util.ArrayList<Passage>();
    var vectors = new java.util.ArrayList<float[]>();
    int at = 0;
    // Added last-first, so that index order is not document order.
    for (int i = texts.length - 1; i >= 0; i--) {
      int start = 0;
      for (int j = 0; j < i; j++) start += texts[j].length() + 2;
      passages.add(
          new Passage(
              source + "#" + i,
              source,
              "Title " + source,
              texts[i],
              start,
              start + texts[i].length()));
      vectors.add(new float[] {1, 0});
      at++;
    }
    idx.replaceSource(new FileRecord(source, "/", "sha", at, acl), passages, vectors);
  }

  @Test
  void passagesComeInDocumentOrderAndOnlyForThoseWhoMayReadThem(@TempDir Path dir) {
    try (PassageIndex idx = PassageIndex.openForWriting(dir, EMB)) {
      add(
          idx,
          "/lighthouse.md",
          AccessList.PUBLIC,
          "First lit in 1874.",
          "Electric in 1921.",
          "Automatic since 1989.");
      add(idx, "/hr.md", AccessList.of(Set.of(), Set.of("hr")), "Salaries are private.");
      idx.commit();

      List<Passage> doc = idx.passagesOf("/lighthouse.md", Principal.anonymous());
      assertEquals(
          List.of("First lit in 1874.", "Electric in 1921.", "Automatic since 1989."),
          doc.stream().map(Passage::text).toList());
      assertTrue(
          doc.get(0).start() < doc.get(1).start() && doc.get(1).start() < doc.get(2).start());

      assertEquals(
          List.of(), idx.passagesOf("/hr.md", Principal.anonymous()), "hidden from others");
      assertEquals(1, idx.passagesOf("/hr.md", Principal.user("ann", Set.of("hr"))).size());
      assertEquals(1, idx.passagesOf("/hr.md", Principal.owner()).size());
      assertEquals(List.of(), idx.passagesOf("/nowhere.md", Principal.owner()));
    }
  }
}
