package dev.fathom.retrieval.ingest;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.testing.OfficeFixtures;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Office, OpenDocument, EPUB and RTF files and Markdown ingested into a real index with the real
 * embedding model: each is searchable, a damaged one is reported by name and the rest indexed, and
 * a Markdown passage shown without markup cites the file's own characters.
 */
class FormatsIngestIT {

  private static final String EMB = "all-minilm-l6-v2/384";

  @TempDir Path tmp;

  @Test
  void everyFormatIsSearchableAndADamagedFileIsReportedAlone() throws Exception {
    Path docs = Files.createDirectories(tmp.resolve("docs"));
    Files.write(
        docs.resolve("lease.docx"),
        OfficeFixtures.docx("Lease", "The lease ends on the thirtieth of June."));
    Files.write(docs.resolve("deck.pptx"), OfficeFixtures.pptx("Turbines spin in the wind."));
    Files.write(
        docs.resolve("budget.xlsx"),
        OfficeFixtures.xlsx("Budget", new String[] {"Dragonfruit", "1200"}));
    Files.write(docs.resolve("minutes.odt"), OfficeFixtures.odt("Minutes", "Glaciers retreat."));
    Files.write(docs.resolve("novel.epub"), OfficeFixtures.epub("Novel", "A lighthouse keeper."));
    Files.write(docs.resolve("memo.rtf"), OfficeFixtures.rtf("Saffron is expensive."));
    byte[] good = OfficeFixtures.docx("Broken", "Never seen.");
    Files.write(docs.resolve("broken.docx"), Arrays.copyOf(good, good.length / 2));
    String md = "# Guide\n\nInstall **Fathom** with [the script](https://x.example/i.sh) today.\n";
    Files.writeString(docs.resolve("guide.md"), md);

    List<String> warnings = new ArrayList<>();
    IngestReport report;
    try (PassageIndex idx = PassageIndex.openForWriting(tmp.resolve("index"), EMB)) {
      report =
          new Ingestor(idx, TestEmbedder.shared(), Ingestor.Settings.defaults(), Set.of())
              .ingest(
                  List.of(docs),
                  new IngestListener() {
                    @Override
                    public void warning(Path file, String reason) {
                      warnings.add(reason);
                    }
                  });
    }
    assertEquals(8, report.files());
    assertEquals(7, report.indexed());
    assertEquals(1, report.failed());
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(
        warnings.getFirst().contains("broken.docx: not a valid Word document"),
        warnings.toString());

    try (PassageIndex idx = PassageIndex.openReadOnly(tmp.resolve("index"), EMB)) {
      assertTop(idx, "lease thirtieth June", "lease.docx");
      assertTop(idx, "turbines wind", "deck.pptx");
      assertTop(idx, "dragonfruit", "budget.xlsx");
      assertTop(idx, "glaciers", "minutes.odt");
      assertTop(idx, "lighthouse keeper", "novel.epub");
      assertTop(idx, "saffron", "memo.rtf");

      Passage guide = idx.bm25("install fathom script", 5).getFirst().passage();
      assertTrue(guide.source().endsWith("guide.md"), guide.source());
      assertFalse(guide.text().contains("**") || guide.text().contains("https://"), guide.text());
      assertTrue(guide.text().contains("Install Fathom with the script today."), guide.text());
      String cited = md.substring(guide.start(), guide.end());
      assertTrue(
          cited.contains("Install **Fathom** with [the script](https://x.example/i.sh) today."),
          "the offsets cite the file as written: " + cited);
    }
  }

  private static void assertTop(PassageIndex idx, String query, String file) {
    var hits = idx.bm25(query, 3);
    assertFalse(hits.isEmpty(), query);
    assertTrue(hits.getFirst().passage().source().endsWith(file), query + " -> " + hits);
  }
}
