package dev.fathom.retrieval.access;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.index.FileRecord;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.search.HybridRetriever;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: for random access lists, callers, queries, modes and k, no search returns a passage the
 * caller may not read, and filtering happens before ranking (a caller gets min(k, permitted) dense
 * hits, not a post-filtered shorter list). Real Lucene index on disk, several segments; random unit
 * vectors stand in for embeddings (the filter does not depend on what they mean). The oracle below
 * is written independently of {@link AccessList#permits}.
 */
class AccessControlPropertyTest {

  private static final long SEED = 20261201L;
  private static final int TRIALS = 5000;
  private static final int DOCS = 300;
  private static final int DIM = 8;
  private static final String EMB = "random/8";
  private static final String[] WORDS =
      ("kafka lucene broker actor vector graph index token query answer passage fusion rank model"
              + " topic stream offset commit segment shard replica leader follower cache batch")
          .split(" ");

  private record Doc(Set<String> users, Set<String> groups) {
    boolean readableBy(Principal p) {
      if (p.kind() == Principal.Kind.OWNER) return true;
      if (users.isEmpty() && groups.isEmpty()) return true;
      if (p.kind() == Principal.Kind.ANONYMOUS) return false;
      if (users.contains(p.id())) return true;
      for (String g : p.groups()) if (groups.contains(g)) return true;
      return false;
    }
  }

  @Test
  void noPassageLeaksIn5000RandomTrials(@TempDir Path dir) {
    Random rnd = new Random(SEED);
    Map<String, Doc> docs = new HashMap<>();
    Map<String, Integer> passagesOf = new HashMap<>();
    try (PassageIndex w = PassageIndex.openForWriting(dir, EMB)) {
      for (int d = 0; d < DOCS; d++) {
        String source = "/docs/d" + d + ".md";
        Doc doc = randomDoc(rnd);
        docs.put(source, doc);
        int n = 1 + rnd.nextInt(3);
        passagesOf.put(source, n);
        List<Passage> ps = new ArrayList<>();
        List<float[]> vs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          String text = words(rnd, 6 + rnd.nextInt(10));
          ps.add(new Passage(source + "#" + i, source, "d" + d, text, 0, text.length()));
          vs.add(unitVector(rnd));
        }
        w.replaceSource(
            new FileRecord(source, "/docs", "sha" + d, n, new AccessList(doc.users, doc.groups)),
            ps,
            vs);
        if (d % 97 == 96) w.commit(); // several segments
      }
      w.commit();
    }
    int leaks = 0, searches = 0, hitsSeen = 0;
    try (PassageIndex idx = PassageIndex.openReadOnly(dir, EMB)) {
      HybridRetriever retriever =
          new HybridRetriever(idx, null, new HybridRetriever.Settings(50, 20, 1.0, 0.5));
      for (int t = 0; t < TRIALS; t++) {
        Principal caller = randomPrincipal(rnd);
        SearchMode mode = SearchMode.values()[rnd.nextInt(3)];
        int k = rnd.nextInt(10) == 0 ? 1000 : 1 + rnd.nextInt(40);
        String query = words(rnd, 1 + rnd.nextInt(4));
        List<Hit> hits = retriever.search(query, unitVector(rnd), mode, k, caller);
        searches++;
        hitsSeen += hits.size();
        for (Hit h : hits) {
          if (!docs.get(h.passage().source()).readableBy(caller)) leaks++;
        }
        if (mode == SearchMode.DENSE) {
          int permitted = 0;
          for (Map.Entry<String, Doc> e : docs.entrySet()) {
            if (e.getValue().readableBy(caller)) permitted += passagesOf.get(e.getKey());
          }
          assertEquals(
              Math.min(k, permitted),
              hits.size(),
              "dense search must return the k nearest permitted passages for " + caller);
        }
      }
    }
    System.out.printf(
        "access-control property: %d trials, %d hits checked, %d leaks (seed %d)%n",
        searches, hitsSeen, leaks, SEED);
    assertEquals(TRIALS, searches);
    assertTrue(hitsSeen > TRIALS, "the trials must return hits to check, got " + hitsSeen);
    assertEquals(0, leaks, "passages returned to callers who may not read them");
  }

  private static Doc randomDoc(Random rnd) {
    Set<String> users = new HashSet<>();
    Set<String> groups = new HashSet<>();
    if (rnd.nextInt(10) >= 3) { // 30 % public
      int entries = 1 + rnd.nextInt(3);
      for (int i = 0; i < entries; i++) {
        if (rnd.nextBoolean()) users.add("u" + rnd.nextInt(8));
        else groups.add("g" + rnd.nextInt(5));
      }
    }
    return new Doc(users, groups);
  }

  private static Principal randomPrincipal(Random rnd) {
    int r = rnd.nextInt(20);
    if (r == 0) return Principal.owner();
    if (r < 5) return Principal.anonymous();
    Set<String> groups = new HashSet<>();
    int n = rnd.nextInt(3);
    for (int i = 0; i < n; i++) groups.add("g" + rnd.nextInt(6)); // g5 is on no document
    return Principal.user("u" + rnd.nextInt(10), groups); // u8, u9 are on no document
  }

  private static String words(Random rnd, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++)
      b.append(i == 0 ? "" : " ").append(WORDS[rnd.nextInt(WORDS.length)]);
    return b.toString();
  }

  private static float[] unitVector(Random rnd) {
    float[] v = new float[DIM];
    double norm = 0;
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) rnd.nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < DIM; i++) v[i] /= (float) Math.sqrt(norm);
    return v;
  }
}
