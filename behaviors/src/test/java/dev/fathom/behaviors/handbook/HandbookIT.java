package dev.fathom.behaviors.handbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.behaviors.handbook.Handbook.Change;
import dev.fathom.behaviors.handbook.Handbook.Outcome;
import dev.fathom.behaviors.handbook.Handbook.Settings;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The handbook over a real Lucene index on disk and the real all-MiniLM-L6-v2 embedder. */
class HandbookIT {

  static final Embedder EMBEDDER = TestEmbedder.shared();

  static Behavior b(String name, String instruction, String topic, String trace) {
    return new Behavior(name, instruction, topic, List.of(trace), 0);
  }

  @Test
  void sameNameAndRewordedInstructionsMergeWhileDistinctProceduresStay(@TempDir Path dir) {
    try (Handbook h = Handbook.open(dir, EMBEDDER, Settings.defaults())) {
      Change first =
          h.add(
              b(
                  "behavior_compare_dates",
                  "When sources give different dates, cite both and say which is later.",
                  "history",
                  "r1"));
      assertEquals(Outcome.ADDED, first.outcome());
      Change sameName =
          h.add(b("behavior_compare_dates", "Some other wording entirely.", "history", "r2"));
      assertEquals(Outcome.MERGED_SAME_NAME, sameName.outcome());
      Change reworded =
          h.add(
              b(
                  "behavior_cite_conflicting_dates",
                  "If the sources disagree on a date, cite both of them and say which date is later.",
                  "history",
                  "r3"));
      assertEquals(Outcome.MERGED_SIMILAR, reworded.outcome());
      assertTrue(reworded.similarity() >= 0.85, "similarity " + reworded.similarity());
      Change distinct =
          h.add(
              b(
                  "behavior_prefer_recent_source",
                  "Prefer the most recent source when sources disagree.",
                  "history",
                  "r4"));
      assertEquals(Outcome.ADDED, distinct.outcome());

      assertEquals(2, h.size());
      Behavior merged = h.get("behavior_compare_dates").orElseThrow();
      assertEquals(List.of("r1", "r2", "r3"), merged.provenance());
      assertEquals(
          "When sources give different dates, cite both and say which is later.",
          merged.instruction());
      assertEquals(merged, reworded.stored());
    }
  }

  @Test
  void survivesReopeningAndFindsNearestWithTopicFilter(@TempDir Path dir) {
    try (Handbook h = Handbook.open(dir, EMBEDDER, Settings.defaults())) {
      h.add(
          b(
              "behavior_compare_dates",
              "When sources give different dates, cite both.",
              "history",
              "r1"));
      h.add(
          b(
              "behavior_convert_units",
              "Convert all quantities to one unit before comparing.",
              "physics",
              "r2"));
      h.add(b("behavior_quote_span", "Quote the sentence that states the answer.", "", "r3"));
      h.recordUses(List.of("behavior_quote_span", "behavior_quote_span", "behavior_gone"));
    }
    try (Handbook h = Handbook.open(dir, EMBEDDER, Settings.defaults())) {
      assertEquals(3, h.size());
      assertEquals(1, h.get("behavior_quote_span").orElseThrow().uses());
      float[] q = EMBEDDER.embed("How many metres is 3 miles compared with 5 km?");
      List<Handbook.Scored> all = h.nearest(q, 3, Set.of());
      assertEquals("behavior_convert_units", all.getFirst().behavior().name());
      assertTrue(all.getFirst().similarity() > all.get(1).similarity());
      List<String> history =
          h.nearest(q, 3, Set.of("history")).stream().map(s -> s.behavior().name()).toList();
      assertEquals(Set.of("behavior_compare_dates", "behavior_quote_span"), Set.copyOf(history));
      assertTrue(h.remove("behavior_convert_units"));
      assertFalse(h.remove("behavior_convert_units"));
    }
    try (Handbook h = Handbook.open(dir, EMBEDDER, Settings.defaults())) {
      assertEquals(
          List.of("behavior_compare_dates", "behavior_quote_span"),
          h.list().stream().map(Behavior::name).toList());
    }
  }

  @Test
  void aSecondNodeBuildsTheSameHandbookFromTheSharedTopicRecords(@TempDir Path dir) {
    List<String[]> topic = new ArrayList<>(); // (key, value) as a compacted topic would deliver
    try (Handbook a = Handbook.open(dir.resolve("a"), EMBEDDER, Settings.defaults())) {
      for (Behavior candidate :
          List.of(
              b("behavior_quote_span", "Quote the sentence that states the answer.", "", "r1"),
              b(
                  "behavior_quote_exact",
                  "Quote the exact sentence which states the answer.",
                  "",
                  "r2"),
              b(
                  "behavior_admit_gaps",
                  "Say the evidence does not answer when it does not.",
                  "",
                  "r3"))) {
        Behavior stored = a.add(candidate).stored();
        topic.add(new String[] {stored.name(), BehaviorJson.write(stored)});
      }
      a.remove("behavior_admit_gaps");
      topic.add(new String[] {"behavior_admit_gaps", null});
      try (Handbook b = Handbook.open(dir.resolve("b"), EMBEDDER, Settings.defaults())) {
        for (String[] record : topic) b.applyShared(record[0], record[1]);
        assertEquals(a.list(), b.list());
        assertEquals(List.of("r1", "r2"), b.get("behavior_quote_span").orElseThrow().provenance());
        var e =
            assertThrows(
                IllegalArgumentException.class,
                () -> b.applyShared("behavior_other", topic.getFirst()[1]));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
      }
    }
  }

  @Test
  void exportAndImportRoundTripThroughTheFileFormat(@TempDir Path dir) {
    String file;
    try (Handbook h = Handbook.open(dir.resolve("a"), EMBEDDER, Settings.defaults())) {
      h.add(
          new Behavior(
              "behavior_quote_span",
              "Quote the sentence that states the answer.",
              "",
              List.of("r1"),
              4));
      h.add(
          b(
              "behavior_convert_units",
              "Convert all quantities to one unit before comparing.",
              "physics",
              "r2"));
      file = BehaviorJson.writeFile(h.list());
    }
    try (Handbook h = Handbook.open(dir.resolve("b"), EMBEDDER, Settings.defaults())) {
      h.addAll(BehaviorJson.readFile(file));
      assertEquals(BehaviorJson.readFile(file), h.list());
      // Importing again merges by name instead of piling up.
      h.addAll(BehaviorJson.readFile(file));
      assertEquals(2, h.size());
      assertEquals(8, h.get("behavior_quote_span").orElseThrow().uses());
    }
  }
}
