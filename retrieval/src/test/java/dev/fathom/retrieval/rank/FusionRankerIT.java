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
  void trainedOnHalfOfCranfieldReordersAndHoldsHybridsQualityOnTheOtherHalf(@TempDir Path dir) {
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
        FusionRanker ranker =
            new FusionRanker(data.index(), TestEmbedder.shared(), model, 100, data.recentSignals());
        BeirDataset.Query q = cranfield.queries().getFirst();
        List<Hit> hits = data.candidates(q);
        Ranking ranking = ranker.rank(q.text(), hits);
        assertEquals(hits.size(), ranking.ranked().size(), "every candidate kept");
        assertTrue(
            ranking.explanation().contains("retrieval's lists"),
            "the retriever's own lists were used: " + ranking.explanation());
        assertEquals(
            ranking.hits(),
            new FusionRanker(data.index(), TestEmbedder.shared(), model, 100)
                .rank(q.text(), hits)
                .hits(),
            "the same order as from lists searched again");
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
        // Measured (docs/ranking.md): 51 training questions are too few for the trees to beat
        // hybrid on Cranfield (held-out 0.394 vs 0.400); the guard is that it does not do harm.
        assertTrue(
            heldOut.reranked().get("ndcg@10") >= heldOut.hybrid().get("ndcg@10") - 0.03,
            "fusion stays within 0.03 nDCG@10 of hybrid on the held-out half: " + heldOut);
        assertTrue(
            all.reranked().get("ndcg@10") > all.hybrid().get("ndcg@10"),
            "on all questions (half of them trained on) fusion beats hybrid: " + all);
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

  /**
   * Chooses tree depth and rounds by two-fold cross-validation inside Cranfield's training half
   * (the held-out half is never seen), and times the fusion ranker's parts. Prints only.
   */
  @Test
  void crossValidateOnTheTrainingHalf(@TempDir Path dir) {
    assumeTrue(Boolean.getBoolean("fathom.rank.full"), "set -Dfathom.rank.full=true to run");
    BeirDataset cranfield = BeirDataset.load(sharedData("cranfield-dev"));
    try (PreparedDataset data =
        PreparedDataset.openOrIndex(
            cranfield,
            TestEmbedder.shared(),
            indexCache("cranfield-dev"),
            HybridRetriever.Settings.defaults())) {
      for (int depth : new int[] {0, 3}) {
        for (int rounds : new int[] {50, 200, 500}) {
          double sum = 0;
          for (int fold = 0; fold < 2; fold++) {
            int f = fold;
            Path out = dir.resolve("cv-" + depth + "-" + rounds + "-" + fold);
            RankerTraining.train(
                List.of(data),
                out,
                new RankerTraining.Settings(
                    rounds, depth == 0 ? 0.05 : 0.05, Math.max(1, depth), true, 42, depth == 0),
                q -> DevSplit.fold(q.id()) != f,
                s -> {});
            try (FusionModel model = FusionModel.load(out)) {
              FusionRanker ranker =
                  new FusionRanker(
                      data.index(), TestEmbedder.shared(), model, 100, data.recentSignals());
              sum +=
                  RerankEvaluation.run(
                          data,
                          ranker,
                          q -> DevSplit.training(q.id()) && DevSplit.fold(q.id()) == f,
                          n -> {})
                      .reranked()
                      .get("ndcg@10");
            }
          }
          System.out.printf("CV depth %d rounds %d: ndcg@10 %.4f%n", depth, rounds, sum / 2);
        }
      }
      RerankEvaluation.Result base =
          RerankEvaluation.run(data, Ranker.none(), q -> DevSplit.training(q.id()), n -> {});
      System.out.printf(
          "CV hybrid on the training half: ndcg@10 %.4f%n", base.reranked().get("ndcg@10"));
      RankerTraining.train(
          List.of(data), dir.resolve("t"), RankerTraining.Settings.defaults(), s -> {});
      try (FusionModel model = FusionModel.load(dir.resolve("t"))) {
        FusionFeatures features = new FusionFeatures();
        long[] t = new long[4];
        int n = 0;
        for (BeirDataset.Query q : cranfield.queries()) {
          List<Hit> hits = data.candidates(q);
          long t0 = System.nanoTime();
          var bm25 = data.index().bm25(q.text(), 100);
          long t1 = System.nanoTime();
          var knn = data.index().knn(data.vector(q), 100);
          long t2 = System.nanoTime();
          float[] x = features.extract(q.text(), hits, new CandidateSignals(bm25, knn));
          long t3 = System.nanoTime();
          model.predict(x, hits.size());
          long t4 = System.nanoTime();
          if (n++ >= 20) {
            t[0] += t1 - t0;
            t[1] += t2 - t1;
            t[2] += t3 - t2;
            t[3] += t4 - t3;
          }
        }
        int m = n - 20;
        System.out.printf(
            "TIMING mean ms over %d questions: bm25 %.2f knn %.2f features %.2f predict %.2f%n",
            m, t[0] / 1e6 / m, t[1] / 1e6 / m, t[2] / 1e6 / m, t[3] / 1e6 / m);
      }
    }
  }

  private static void report(
      String label, List<PreparedDataset> train, List<PreparedDataset> eval, Path dataDir) {
    RankerTraining.train(train, dataDir, RankerTraining.Settings.defaults(), System.out::println);
    try (FusionModel model = FusionModel.load(dataDir)) {
      for (PreparedDataset d : eval) {
        FusionRanker ranker =
            new FusionRanker(d.index(), TestEmbedder.shared(), model, 100, d.recentSignals());
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
