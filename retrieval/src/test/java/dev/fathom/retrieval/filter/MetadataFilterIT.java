package dev.fathom.retrieval.filter;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.AccessList;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.index.FileRecord;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.ingest.IngestListener;
import dev.fathom.retrieval.ingest.Ingestor;
import dev.fathom.retrieval.meta.DocumentMetadata;
import dev.fathom.retrieval.search.CollectionRetriever;
import dev.fathom.retrieval.search.HybridRetriever;
import dev.fathom.retrieval.search.SearchScope;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metadata filters on a real index on disk with the real embedding model: every mode returns only
 * matching passages, a selective filter still yields k of them, and filters combine with the access
 * filter.
 */
class MetadataFilterIT {

  private static final String EMB = "all-minilm-l6-v2/384";

  @TempDir static Path tmp;
  private static Path notes;

  @BeforeAll
  static void ingest() throws Exception {
    notes = Files.createDirectories(tmp.resolve("notes"));
    for (int i = 0; i < 12; i++) {
      int year = 2015 + i;
      Files.writeString(
          notes.resolve("lease-" + i + ".md"),
          "---\nauthor: "
              + (i % 3 == 0 ? "Ann" : "Bob")
              + "\nyear: "
              + year
              + "\npublished: "
              + year
              + "-06-01\n---\n# Lease note "
              + i
              + "\n\nThe lease of flat "
              + i
              + " ends in May and the rent is due monthly.\n");
    }
    Files.createDirectories(notes.resolve("archive"));
    Files.writeString(
        notes.resolve("archive/old.md"), "# Old lease\n\nThe old lease ended long ago.\n");
    Files.writeString(
        notes.resolve("secret.md"),
        "---\nauthor: Ann\nyear: 2024\n---\n# Secret lease\n\nThe secret lease ends in June.\n");
    Files.writeString(notes.resolve("secret.md.acl"), "user:carol\n");
    try (PassageIndex idx = PassageIndex.openForWriting(tmp.resolve("index"), EMB)) {
      new Ingestor(idx, TestEmbedder.shared(), Ingestor.Settings.defaults(), Set.of())
          .ingest(
              List.of(notes),
              new IngestListener() {},
              AccessList.PUBLIC,
              DocumentMetadata.of("team", "Legal"));
    }
  }

  private static List<Hit> search(SearchMode mode, int k, Principal caller, String... filters) {
    try (PassageIndex idx = PassageIndex.openReadOnly(tmp.resolve("index"), EMB)) {
      var r =
          new CollectionRetriever(
              c -> idx,
              TestEmbedder.shared(),
              HybridRetriever.Settings.defaults(),
              SearchScope.DEFAULT);
      SearchScope scope =
          new SearchScope(CollectionName.DEFAULT, FilterSyntax.parseAll(List.of(filters), null));
      return r.search("when does the lease end", mode, k, caller, scope);
    }
  }

  private static Set<String> files(List<Hit> hits) {
    return hits.stream()
        .map(h -> Path.of(h.passage().source()).getFileName().toString())
        .collect(Collectors.toSet());
  }

  @Test
  void everyModeReturnsOnlyMatchingPassagesAndStillFillsK() {
    for (SearchMode mode : SearchMode.values()) {
      List<Hit> ann = search(mode, 4, Principal.anonymous(), "author=ann");
      assertEquals(
          Set.of("lease-0.md", "lease-3.md", "lease-6.md", "lease-9.md"),
          files(ann),
          mode + ": the four public notes by Ann (filter is case-insensitive), not k minus Bob's");
      List<Hit> recent = search(mode, 20, Principal.owner(), "year>=2024", "year<2026");
      assertEquals(
          Set.of("lease-9.md", "lease-10.md", "secret.md"), files(recent), mode.toString());
    }
  }

  @Test
  void datesPathsAnyOfAndIngestMetadataFilter() {
    assertEquals(
        Set.of("lease-0.md", "lease-1.md"),
        files(
            search(SearchMode.HYBRID, 20, Principal.owner(), "published=2015-01-01..2016-12-31")));
    assertEquals(
        Set.of("old.md"),
        files(search(SearchMode.HYBRID, 20, Principal.owner(), "path:notes/archive/")));
    assertEquals(
        Set.of("old.md"),
        files(search(SearchMode.BM25, 20, Principal.owner(), "path:" + notes.resolve("archive"))));
    assertEquals(
        Set.of("lease-1.md", "lease-2.md"),
        files(search(SearchMode.HYBRID, 20, Principal.owner(), "year=2016,2017")));
    assertEquals(
        14, search(SearchMode.BM25, 50, Principal.owner(), "team=legal").size() >= 14 ? 14 : -1);
    assertTrue(search(SearchMode.HYBRID, 20, Principal.owner(), "team=sales").isEmpty());
  }

  @Test
  void filtersCombineWithTheAccessFilter() {
    Set<String> anonymous =
        files(search(SearchMode.DENSE, 20, Principal.anonymous(), "year>=2024"));
    assertFalse(anonymous.contains("secret.md"), anonymous.toString());
    Set<String> carol =
        files(search(SearchMode.DENSE, 20, Principal.user("carol", Set.of()), "year>=2024"));
    assertTrue(carol.contains("secret.md"), carol.toString());
  }

  @Test
  void theFileRecordKeepsTitleMetadataAndPathForms() {
    try (PassageIndex idx = PassageIndex.openReadOnly(tmp.resolve("index"), EMB)) {
      FileRecord r = idx.fileRecord(notes.resolve("lease-3.md").toString());
      assertEquals("Lease note 3", r.title());
      assertEquals(List.of("Ann"), r.metadata().fields().get("author"));
      assertEquals(List.of("Legal"), r.metadata().fields().get("team"));
      assertTrue(r.pathForms().contains("notes/lease-3.md"), r.pathForms().toString());
    }
  }
}
