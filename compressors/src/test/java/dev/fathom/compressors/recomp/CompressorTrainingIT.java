package dev.fathom.compressors.recomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.compressors.Evidence;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.eval.RetrievalEvaluation;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.search.HybridRetriever;
import dev.fathom.retrieval.testing.TestCorpus;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trains the compressor end to end on a slice of squad-dev (60 questions of each of four articles:
 * a real Lucene index, the real embedding model, real XGBoost) and checks that the model it writes
 * loads and compresses.
 */
class CompressorTrainingIT {

  static final Path SQUAD =
      Path.of(System.getProperty("fathom.root", "."))
          .resolve("../shared/data/squad-dev")
          .normalize();

  /** The paragraphs of the first {@code articles} articles, their questions and judgements. */
  static Path slice(Path dir, int articles) throws IOException {
    Set<String> prefixes =
        java.util.stream.IntStream.range(0, articles)
            .mapToObj(i -> String.format("\"_id\": \"a%02dp", i))
            .collect(Collectors.toSet());
    List<String> corpus =
        Files.readAllLines(SQUAD.resolve("corpus.jsonl")).stream()
            .filter(l -> prefixes.stream().anyMatch(l::contains))
            .toList();
    Set<String> docIds =
        corpus.stream().map(l -> l.substring(9, l.indexOf('"', 9))).collect(Collectors.toSet());
    List<String> allQrels =
        Files.readAllLines(SQUAD.resolve("qrels/test.tsv")).stream()
            .filter(l -> l.startsWith("query-id") || docIds.contains(l.split("\t")[1]))
            .toList();
    List<String> qrels = new java.util.ArrayList<>();
    // The first 60 questions of each article: both article-level halves get questions, and the
    // test stays short (SQuAD articles have hundreds of questions each).
    java.util.Map<String, Integer> perArticle = new java.util.HashMap<>();
    Set<String> queryIds =
        allQrels.stream()
            .skip(1)
            .filter(l -> perArticle.merge(l.split("\t")[1].substring(0, 3), 1, Integer::sum) <= 60)
            .map(l -> l.split("\t")[0])
            .collect(Collectors.toSet());
    for (String l : allQrels) {
      if (l.startsWith("query-id") || queryIds.contains(l.split("\t")[0])) qrels.add(l);
    }
    List<String> queries =
        Files.readAllLines(SQUAD.resolve("queries.jsonl")).stream()
            .filter(l -> queryIds.contains(l.substring(9, l.indexOf('"', 9))))
            .toList();
    Files.createDirectories(dir.resolve("qrels"));
    Files.write(dir.resolve("corpus.jsonl"), corpus);
    Files.write(dir.resolve("queries.jsonl"), queries);
    Files.write(dir.resolve("qrels/test.tsv"), qrels);
    return dir;
  }

  @Test
  void trainsOnDevQuestionsAndWritesAModelThatLoads(@TempDir Path dir) throws IOException {
    assumeTrue(Files.isDirectory(SQUAD), "dev data " + SQUAD + " is absent (see ../shared/data)");
    BeirDataset ds = BeirDataset.load(slice(dir.resolve("squad"), 4));
    assertTrue(ds.queries().size() > 100, "questions: " + ds.queries().size());
    var embedder = TestEmbedder.shared();
    try (PassageIndex index =
        PassageIndex.openForWriting(dir.resolve("index"), TestCorpus.EMBEDDING_ID)) {
      RetrievalEvaluation.index(ds, index, embedder, 64, n -> {});
      var retriever = new HybridRetriever(index, embedder, HybridRetriever.Settings.defaults());
      Path data = dir.resolve("data");
      CompressorTraining.Report r =
          CompressorTraining.train(
              ds,
              retriever,
              SearchMode.HYBRID,
              embedder,
              5,
              12,
              CompressorModel.path(data),
              new CompressorTraining.Settings(30, 0.2, 3, 1, ClauseCutter.defaults()),
              line -> {});
      assertEquals(ds.queries().size(), r.questions());
      assertTrue(Files.isRegularFile(r.model()));
      // Both halves are non-empty and measured the same way as `eval compression`.
      assertTrue(r.choiceHalf().get("queries") > 0 && r.reportHalf().get("queries") > 0);
      double top = r.reportHalf().get("answer_recall_top5");
      double kept = r.reportHalf().get("answer_recall_compressed");
      assertTrue(top > 0.5 && kept > 0.3 && kept <= top, r.reportHalf().toString());
      assertTrue(r.reportHalf().get("compression_rate") < 0.25, r.reportHalf().toString());

      try (CompressorModel model = CompressorModel.load(data)) {
        assertEquals(r.policy(), model.policy());
        assertTrue(model.origin().endsWith(CompressorModel.FILE), model.origin());
        var compressor = new TrainedExtractiveCompressor(embedder, model, model.policy(), 5, 12);
        var q = ds.queries().getFirst();
        Evidence ev =
            compressor.compress(q.text(), retriever.search(q.text(), SearchMode.HYBRID, 5));
        assertTrue(ev.inputTokens() > ev.tokens());
        assertFalse(ev.passages().isEmpty());
      }
    }
  }
}
