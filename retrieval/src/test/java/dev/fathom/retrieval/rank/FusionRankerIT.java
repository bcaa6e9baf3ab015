package dev.fathom.retrieval.rank;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.search.HybridRetriever;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trains the fusion ranker on the real Cranfield dev set (real Lucene index, real MiniLM embedder)
 * and checks it on the held-out half of the questions. With {@code -Dfathom.rank.full=true} it also
 * trains one model on Cranfield and SQuAD dev and prints the figures docs/ranking.md reports.
 */
class FusionRankerIT {

  static Path sharedData(String name) {
    Path p = Path.of(System.getProperty("fathom.root", "."), "../shared/data", name).normalize();
    assumeTrue(Files.isDirectory(p), "dataset " + p + " is absent (see ../shared/data)");
    return p;
  }

  /** Indexes kept between runs under target/ (embedding a corpus is most of these tests' time). */
  static Path indexCache(String name) {
    return Path.of(System.getProperty("fathom.root", "."), "target", "rank-index-cache", name);
  }

  @Test
  void trainedOnHalfOfCranfieldBeatsHybridOnTheOtherHalf(@TempDir Path dir) {
    BeirDataset cranfield = BeirDataset.load(sharedData("cranfield-dev"));
    try (PreparedDataset data =
        PreparedDataset.index(
            cranfield,
            TestEmbedder.shared(),
            dir.resolve("index"),
            HybridRetriever.Settings.defaults())) {
      Path dataDir = dir.resolve("data");
      RankerTraining.Report report =
          RankerTraining.train(List.of(data), dataDir, RankerTraining.Settings.defaults(), s -> {});
      assertTrue(Files.size(report.model()) > 1000, "a model file was written");
      assertTrue(report.questions() > 40 && report.questions() < 75, "about half the questions");

      try (FusionModel model = FusionModel.load(dataDir)) {
        FusionRanker ranker = new FusionRanker(data.index(), TestEmbedder.shared(), model, 100);
        BeirDataset.Query q = cranfield.queries().getFirst();
        List<Hit> hits = data.candidates(q);
        Ranking ranking = ranker.rank(q.text(), hits);
        assertEquals(hits.size(), ranking.ranked().size(), "every candidate kept");
        assertNotEquals(ids(hits), ids(ranking.hits()), "the model reorders");

        RerankEvaluation.Result heldOut =
            RerankEvaluation.run(data, ranker, x -> DevSplit.heldOut(x.id()), n -> {});
        RerankEvaluation.Result all = RerankEvaluation.run(data, ranker, n -> {});
        System.out.printf(
            "cranfield-dev held-out (%d q): hybrid %s fusion %s p50 %.2f ms p95 %.2f ms%n"
                + "cranfield-dev all (%d q): hybrid %s fusion %s%n",
            heldOut.questions(),
            heldOut.hybrid(),
            heldOut.reranked(),
            heldOut.p50Millis(),
            heldOut.p95Millis(),
            all.questions(),
            all.hybrid(),
            all.reranked());
        assertTrue(
            heldOut.reranked().get("ndcg@10") > heldOut.hybrid().get("ndcg@10"),
            "fusion beats hybrid nDCG@10 on the held-out half: " + heldOut);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void fullDevReport(@TempDir Path dir) {
    assumeTrue(Boolean.getBoolean("fathom.rank.full"), "set -Dfathom.rank.full=true to run");
    List<PreparedDataset> data = new ArrayList<>();
    try {
      for (String name : List.of("cranfield-dev", "squad-dev")) {
        data.add(
            PreparedDataset.openOrIndex(
                BeirDataset.load(sharedData(name)),
                TestEmbedder.shared(),
                indexCache(name),
                HybridRetriever.Settings.defaults()));
      }
      report("joint", data, data, dir.resolve("joint"));
      for (PreparedDataset d : data) report("alone", List.of(d), List.of(d), dir.resolve("alone"));
    } finally {
      data.forEach(PreparedDataset::close);
    }
  }

  private static void report(
      String label, List<PreparedDataset> train, List<PreparedDataset> eval, Path dataDir) {
    RankerTraining.train(train, dataDir, RankerTraining.Settings.defaults(), System.out::println);
    try (FusionModel model = FusionModel.load(dataDir)) {
      for (PreparedDataset d : eval) {
        FusionRanker ranker = new FusionRanker(d.index(), TestEmbedder.shared(), model, 100);
        RerankEvaluation.Result h =
            RerankEvaluation.run(d, ranker, x -> DevSplit.heldOut(x.id()), n -> {});
        RerankEvaluation.Result a = RerankEvaluation.run(d, ranker, n -> {});
        System.out.printf(
            "REPORT %s %d docs held-out %d q: hybrid %s%n  fusion %s%n  p50 %.2f ms p95 %.2f ms%n"
                + "REPORT %s %d docs all %d q: hybrid %s%n  fusion %s%n  p50 %.2f ms p95 %.2f ms%n",
            label,
            d.dataset().corpus().size(),
            h.questions(),
            h.hybrid(),
            h.reranked(),
            h.p50Millis(),
            h.p95Millis(),
            label,
            d.dataset().corpus().size(),
            a.questions(),
            a.hybrid(),
            a.reranked(),
            a.p50Millis(),
            a.p95Millis());
      }
    }
  }

  private static List<String> ids(List<Hit> hits) {
    return hits.stream().map(h -> h.passage().id()).toList();
  }
}
