package dev.fathom.ops;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fathom ask --agent} end to end with TinyStories 260K: the real index, the real engine, the
 * agent loop's trace in {@code --json} and its steps on stderr. The model only tells stories, so
 * this checks the mechanics; without a model {@code --agent} changes nothing.
 */
class AgentAskIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static Path data;
  static String model;

  @BeforeAll
  static void ingest() throws Exception {
    Path p =
        Path.of(System.getProperty("fathom.root", "."))
            .resolve("../shared/models/stories260K/stories260K.gguf");
    assumeTrue(Files.isRegularFile(p), "stories260K.gguf not found at " + p);
    model = p.toString();
    data = tmp.resolve("data");
    Path docs = Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(
        docs.resolve("tower.md"),
        "# The Eiffel Tower\n\nThe Eiffel Tower was built for the 1889 World's Fair in Paris."
            + " Gustave Eiffel's company designed and built it.\n");
    Files.writeString(
        docs.resolve("eiffel.md"),
        "# Gustave Eiffel\n\nGustave Eiffel was born in Dijon in 1832. He died in 1923.\n");
    assertEquals(0, Cli.run("ingest", "--data", data.toString(), docs.toString()).exit());
  }

  @Test
  void jsonCarriesTheAgentTrace() throws Exception {
    Cli.Result r =
        Cli.run(
            "ask",
            "--data",
            data.toString(),
            "--model",
            model,
            "--threads",
            "1",
            "--max-tokens",
            "24",
            "--agent",
            "--agent-steps",
            "2",
            "--json",
            "Where was the man whose company built the Eiffel Tower born?");
    assertEquals(0, r.exit(), r.toString());
    JsonNode j = JSON.readTree(r.out());
    assertTrue(j.has("answer"), r.out());
    JsonNode agent = j.get("agent");
    assertEquals(2, agent.get("max_steps").asInt());
    JsonNode steps = agent.get("steps");
    assertEquals("decompose", steps.get(0).get("kind").asText(), agent.toString());
    assertTrue(steps.get(0).get("tokens").asInt() > 0, agent.toString());
    assertTrue(agent.get("tokens").asInt() >= steps.get(0).get("tokens").asInt());
    int subs = 0;
    for (JsonNode s : steps) if (s.get("kind").asText().equals("sub-question")) subs++;
    assertTrue(subs <= 2, "the step budget holds: " + agent);
    System.out.println("AgentAskIT trace: " + agent);
  }

  @Test
  void stepsGoToStderrAsTheyHappen() {
    Cli.Result r =
        Cli.run(
            "ask",
            "--data",
            data.toString(),
            "--model",
            model,
            "--threads",
            "1",
            "--max-tokens",
            "24",
            "--agent",
            "When was Gustave Eiffel born?");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.err().contains("step 1 decompose: "), r.toString());
    assertTrue(r.err().contains("Agent: "), r.toString());
  }

  @Test
  void withoutAModelTheQuestionIsAnsweredAsUsual() {
    Cli.Result r =
        Cli.run("ask", "--data", data.toString(), "--agent", "When was Gustave Eiffel born?");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.err().contains("--agent needs a language model"), r.toString());
    assertTrue(r.out().contains("1832"), r.toString());
  }

  @Test
  void aBudgetOutOfRangeIsRefusedNamingIt() {
    Cli.Result r =
        Cli.run(
            "ask",
            "--data",
            data.toString(),
            "--model",
            model,
            "--agent",
            "--agent-steps",
            "0",
            "q?");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.err().contains("agent maxSteps must be in 1..16, got 0"), r.toString());
  }
}
