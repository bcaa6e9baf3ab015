package dev.fathom.retrieval.eval;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.retrieval.conversation.HistoryAwareRetriever;
import dev.fathom.retrieval.conversation.SubjectRewriter;
import dev.fathom.retrieval.conversation.TurnAnswerer;
import dev.fathom.retrieval.embed.CachingEmbedder;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.embed.MiniLmModel;
import dev.fathom.retrieval.embed.OnnxEmbedder;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.search.HybridRetriever;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * History-aware retrieval on the real squad-conv-dev collection, with the default embedder (int8
 * all-MiniLM-L6-v2) and retrieval settings, a real Lucene index on disk and no language model.
 * Checks the scores recorded in {@code eval/squad-conv-dev.conversation.json} the way {@code
 * EvaluationIT} checks the other configs (recorded value minus tolerance, relations, targets), so
 * the issue-11 target — with_history Recall@5 at least 0.95 times standalone — fails here when it
 * stops holding. The scores measured are written to {@code target/conversation-eval.json}.
 */
class ConversationEvaluationIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void historyAwareRetrievalComesWithinFivePercentOfStandalone(@TempDir Path dir)
      throws IOException {
    Path root = Path.of(System.getProperty("fathom.root", "."));
    JsonNode config = JSON.readTree(root.resolve("eval/squad-conv-dev.conversation.json").toFile());
    assertEquals("conversation", config.get("task").asText());
    ConversationDataset dataset =
        ConversationDataset.load(root.resolve(config.get("dataset").asText()));
    assertEquals(525, dataset.conversations().size());
    Embedder embedder =
        new CachingEmbedder(
            OnnxEmbedder.miniLm(
                MiniLmModel.INT8, TestEmbedder.cacheDir(), OnnxEmbedder.Settings.defaults()),
            50_000);
    Map<String, Map<String, Double>> scores;
    AtomicInteger rewritten = new AtomicInteger();
    try (PassageIndex index =
        PassageIndex.openForWriting(dir.resolve("index"), MiniLmModel.INT8.id())) {
      ConversationEvaluation.index(dataset, index, embedder, 128, n -> {});
      HybridRetriever retriever =
          new HybridRetriever(index, embedder, HybridRetriever.Settings.defaults());
      scores =
          ConversationEvaluation.evaluate(
              dataset,
              retriever,
              new HistoryAwareRetriever(retriever, new SubjectRewriter()),
              TurnAnswerer.topPassages(ConversationEvaluation.CITED),
              r -> {
                if (!r.rewrite().query().equals(r.rewrite().question()))
                  rewritten.incrementAndGet();
              },
              n -> {});
    }
    JsonNode actual = JSON.valueToTree(scores);
    Files.createDirectories(root.resolve("target"));
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(root.resolve("target/conversation-eval.json").toFile(), actual);
    assertEquals(ConversationEvaluation.RUNS, List.copyOf(scores.keySet()));
    assertTrue(rewritten.get() > 500, "follow-ups rewritten: " + rewritten.get());

    List<String> failures = new ArrayList<>();
    double tolerance = config.path("tolerance").asDouble(0.0);
    config
        .get("expected")
        .fields()
        .forEachRemaining(
            run ->
                run.getValue()
                    .fields()
                    .forEachRemaining(
                        m -> {
                          double v =
                              actual.path(run.getKey()).path(m.getKey()).asDouble(Double.NaN);
                          if (!(v >= m.getValue().asDouble() - tolerance)) {
                            failures.add(
                                run.getKey()
                                    + "."
                                    + m.getKey()
                                    + " = "
                                    + v
                                    + " < recorded "
                                    + m.getValue().asDouble());
                          }
                        }));
    for (JsonNode rel : config.path("relations")) {
      double left = at(actual, rel.get("greater_or_equal").asText());
      double factor = rel.path("factor").asDouble(1.0);
      for (JsonNode other : rel.get("than")) {
        double right = factor * at(actual, other.asText());
        if (left < right)
          failures.add(
              rel.get("greater_or_equal").asText()
                  + " = "
                  + left
                  + " < "
                  + factor
                  + " x "
                  + other.asText()
                  + " = "
                  + right);
      }
    }
    assertTrue(failures.isEmpty(), failures + "\nactual: " + actual);
  }

  private static double at(JsonNode actual, String dotted) {
    JsonNode n = actual;
    for (String part : dotted.split("\\.")) n = n.path(part);
    assertTrue(n.isNumber(), "no number at " + dotted + " in " + actual);
    return n.asDouble();
  }
}
