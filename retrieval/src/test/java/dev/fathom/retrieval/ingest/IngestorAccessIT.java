package dev.fathom.retrieval.ingest;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.AccessList;
import dev.fathom.retrieval.access.AccessLists;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.search.HybridRetriever;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Access lists from the ingest option and sidecar files, through a real index and model. */
class IngestorAccessIT {

  private static final String EMB = "all-minilm-l6-v2/384";

  @TempDir Path tmp;

  private IngestReport ingest(Path index, Path docs, AccessList def, List<String> warnings) {
    try (PassageIndex idx = PassageIndex.openForWriting(index, EMB)) {
      return new Ingestor(idx, TestEmbedder.shared(), Ingestor.Settings.defaults(), Set.of())
          .ingest(
              List.of(docs),
              new IngestListener() {
                @Override
                public void warning(Path file, String reason) {
                  warnings.add(reason);
                }
              },
              def);
    }
  }

  private static List<String> sources(PassageIndex idx, String q, Principal p) {
    HybridRetriever r =
        new HybridRetriever(idx, TestEmbedder.shared(), HybridRetriever.Settings.defaults());
    List<String> out = new ArrayList<>();
    for (SearchMode m : SearchMode.values()) {
      for (Hit h : r.search(q, m, 50, p)) {
        String name = Path.of(h.passage().source()).getFileName().toString();
        if (!out.contains(name)) out.add(name);
      }
    }
    out.sort(null);
    return out;
  }

  @Test
  void sidecarsOverrideTheDefaultAndChangesReindex() throws Exception {
    Path docs = Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(docs.resolve("handbook.md"), "# Handbook\n\nSalaries are paid monthly.\n");
    Files.writeString(docs.resolve("salaries.md"), "# Salaries\n\nThe CEO salary is 900k.\n");
    Files.writeString(docs.resolve("salaries.md.acl"), "group:hr # payroll only\n");
    Path index = tmp.resolve("index");
    List<String> warnings = new ArrayList<>();
    IngestReport first = ingest(index, docs, AccessLists.parse("group:staff"), warnings);
    assertEquals(2, first.indexed(), warnings.toString());
    try (PassageIndex idx = PassageIndex.openReadOnly(index, EMB)) {
      assertEquals(List.of(), sources(idx, "salary", Principal.anonymous()));
      assertEquals(
          List.of("handbook.md"), sources(idx, "salary", Principal.user("bob", Set.of("staff"))));
      assertEquals(
          List.of("handbook.md", "salaries.md"),
          sources(idx, "salary", Principal.user("ann", Set.of("staff", "hr"))));
      assertEquals(
          List.of("handbook.md", "salaries.md"), sources(idx, "salary", Principal.owner()));
    }

    // A changed sidecar re-indexes an unchanged file; a malformed one fails it, loudly.
    Files.writeString(docs.resolve("salaries.md.acl"), "user:bob\n");
    Files.writeString(docs.resolve("handbook.md.acl"), "nobody-knows-this-form\n");
    warnings.clear();
    IngestReport second = ingest(index, docs, AccessLists.parse("group:staff"), warnings);
    assertEquals(1, second.indexed());
    assertEquals(1, second.failed());
    assertTrue(warnings.getFirst().contains("handbook.md.acl"), warnings.toString());
    try (PassageIndex idx = PassageIndex.openReadOnly(index, EMB)) {
      assertEquals(
          List.of("handbook.md", "salaries.md"),
          sources(idx, "salary", Principal.user("bob", Set.of("staff"))));
      assertEquals(
          List.of("handbook.md"),
          sources(idx, "salary", Principal.user("ann", Set.of("staff", "hr"))));
    }
  }
}
