package dev.fathom.retrieval.eval;

import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.search.HybridRetriever;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Manual probe (not a test): prints metrics for a dataset. */
public class RetrievalEvaluationProbe {
  public static void main(String[] args) throws Exception {
    Embedder e =
        dev.fathom.retrieval.embed.OnnxEmbedder.miniLm(
            dev.fathom.retrieval.embed.MiniLmModel.parse(
                System.getProperty("model", "all-minilm-l6-v2")),
            TestEmbedder.cacheDir(),
            dev.fathom.retrieval.embed.OnnxEmbedder.Settings.defaults());
    for (String name : args) {
      BeirDataset ds = BeirDataset.load(Path.of("../shared/data/" + name));
      Path dir = Files.createTempDirectory("probe");
      long t0 = System.nanoTime();
      try (PassageIndex idx = PassageIndex.openForWriting(dir, "minilm")) {
        RetrievalEvaluation.index(ds, idx, e, 128, n -> {});
        long t1 = System.nanoTime();
        System.out.printf("%s indexed in %.1f s%n", name, (t1 - t0) / 1e9);
        for (double[] w : new double[][] {{1, 0.5}, {1, 0.7}}) {
          for (int rrfk : new int[] {20}) {
            var r =
                new HybridRetriever(idx, e, new HybridRetriever.Settings(100, rrfk, w[0], w[1]));
            var res = RetrievalEvaluation.evaluate(ds, r, e, n -> {});
            System.out.println(name + " w=" + w[1] + " rrfk=" + rrfk + " " + res);
          }
        }
        System.out.printf("eval in %.1f s%n", (System.nanoTime() - t1) / 1e9);
      }
    }
  }
}
