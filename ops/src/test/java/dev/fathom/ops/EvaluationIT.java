package dev.fathom.ops;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluation is data: every file in {@code eval/} names a dataset, a task and the scores recorded
 * for it with the default configuration. This test runs each through the real command line ({@code
 * fathom eval ... --json}) and fails when a score falls below its recorded value (minus the file's
 * tolerance) or when a stated relation, such as hybrid beating both of its inputs, stops holding.
 */
class EvaluationIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;

  @TestFactory
  Stream<DynamicTest> recordedScoresHold() throws IOException {
    Path root = Path.of(System.getProperty("fathom.root", "."));
    System.setProperty("fathom.home", root.toString());
    List<Path> configs;
    try (Stream<Path> files = Files.list(root.resolve("eval"))) {
      configs = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertFalse(configs.isEmpty(), "no evaluation configs in eval/");
    return configs.stream()
        .map(c -> DynamicTest.dynamicTest(c.getFileName().toString(), () -> check(root, c)));
  }

  private void check(Path root, Path configFile) throws IOException {
    JsonNode config = JSON.readTree(configFile.toFile());
    Path dataset = root.resolve(config.get("dataset").asText()).normalize();
    String task = config.get("task").asText();
    Cli.Result r =
        Cli.run("eval", task, "--json", "--data", data.toString(), "--dataset", dataset.toString());
    assertEquals(0, r.exit(), r.toString());
    JsonNode actual = JSON.readTree(r.out());
    double tolerance = config.path("tolerance").asDouble(0.0);
    List<String> failures = new ArrayList<>();
    compare("", config.get("expected"), actual, tolerance, failures);
    for (JsonNode rel : config.path("relations")) {
      // {"greater_or_equal": "hybrid.ndcg@10", "than": ["bm25.ndcg@10", "dense.ndcg@10"]},
      // optionally with "factor": f to compare against f times the other values.
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
                  + other.asText()
                  + " = "
                  + right);
      }
    }
    // Targets are bounds without tolerance: {"metric": "hybrid.recall@5", "at_least": 0.95}.
    for (JsonNode t : config.path("targets")) {
      double v = at(actual, t.get("metric").asText());
      if (t.has("at_least") && v < t.get("at_least").asDouble()) {
        failures.add(
            t.get("metric").asText()
                + " = "
                + v
                + " below the target "
                + t.get("at_least").asDouble());
      }
      if (t.has("at_most") && v > t.get("at_most").asDouble()) {
        failures.add(
            t.get("metric").asText()
                + " = "
                + v
                + " above the target "
                + t.get("at_most").asDouble());
      }
    }
    assertTrue(
        failures.isEmpty(), configFile.getFileName() + ": " + failures + "\nactual: " + actual);
  }

  private static void compare(
      String path, JsonNode expected, JsonNode actual, double tol, List<String> failures) {
    if (expected.isNumber()) {
      if (actual == null || !actual.isNumber()) {
        failures.add(path + " missing");
      } else if (actual.asDouble() < expected.asDouble() - tol) {
        failures.add(path + " = " + actual.asDouble() + " < recorded " + expected.asDouble());
      }
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      compare(
          path.isEmpty() ? e.getKey() : path + "." + e.getKey(),
          e.getValue(),
          actual == null ? null : actual.get(e.getKey()),
          tol,
          failures);
    }
  }

  private static double at(JsonNode actual, String dotted) {
    JsonNode n = actual;
    for (String part : dotted.split("\\.")) n = n.get(part);
    return n.asDouble();
  }
}
