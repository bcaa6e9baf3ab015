package dev.fathom.ops;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fathom generate} end to end on stories260K, a real trained model whose greedy continuation
 * is published (shared/models/README.md).
 */
class GenerateCliIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTINUATION =
      ", there was a little girl named Lily. She loved to play";
  private static final int[] CONTINUATION_IDS = {
    432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267, 337
  };

  @TempDir static Path tmp;
  static String model;

  @BeforeAll
  static void findModel() {
    Path p =
        Path.of(System.getProperty("fathom.root", "."))
            .resolve("../shared/models/stories260K/stories260K.gguf");
    assumeTrue(Files.isRegularFile(p), "stories260K.gguf not found at " + p);
    model = p.toString();
  }

  private static Cli.Result generate(String... args) {
    return generateWith(model, args);
  }

  private static Cli.Result generateWith(String modelFile, String... args) {
    List<String> all = new ArrayList<>(List.of("generate", "--model", modelFile, "--threads", "1"));
    all.addAll(List.of(args));
    return Cli.run(all.toArray(String[]::new));
  }

  @Test
  void greedyGenerationPrintsThePublishedContinuationAndTheSpeedOnStderr() {
    Cli.Result r = generate("--temperature", "0", "--max-tokens", "16", "Once upon a time");
    assertEquals(0, r.exit(), r.toString());
    assertEquals(CONTINUATION + "\n", r.out(), r.toString());
    assertTrue(r.err().contains("5 prompt tokens, prefill "), r.toString());
    assertTrue(r.err().contains("16 tokens, decode "), r.toString());
    assertTrue(r.err().contains("stop: max_tokens"), r.toString());
  }

  @Test
  void jsonHasTheDocumentedShapeAndStreamsNothing() throws Exception {
    Cli.Result r =
        generate("--json", "--temperature", "0", "--max-tokens", "16", "Once upon a time");
    assertEquals(0, r.exit(), r.toString());
    JsonNode j = JSON.readTree(r.out());
    assertEquals(CONTINUATION, j.get("text").asText());
    assertEquals("stories260K.gguf", j.get("model").asText());
    assertEquals("[1,403,407,261,378]", j.get("prompt_tokens").toString());
    int[] tokens = new int[j.get("tokens").size()];
    for (int i = 0; i < tokens.length; i++) tokens[i] = j.get("tokens").get(i).asInt();
    assertArrayEquals(CONTINUATION_IDS, tokens);
    assertEquals("max_tokens", j.get("stop_reason").asText());
    for (String t :
        new String[] {
          "prompt_tokens",
          "generated_tokens",
          "prefill_ms",
          "decode_ms",
          "prefill_tok_s",
          "decode_tok_s"
        }) {
      assertTrue(j.get("timings").has(t), t);
    }
    assertTrue(j.get("speculation").isNull());
    assertEquals("", r.err(), r.toString());
  }

  @Test
  void selfSpeculationGivesTheSameGreedyText() throws Exception {
    Cli.Result r =
        generate("--speculate", "--temperature", "0", "--max-tokens", "16", "Once upon a time");
    assertEquals(0, r.exit(), r.toString());
    assertEquals(CONTINUATION + "\n", r.out(), r.toString());
    assertTrue(r.err().contains("speculation: "), r.toString());

    Cli.Result j =
        generate(
            "--speculate",
            "--json",
            "--gamma",
            "4",
            "--temperature",
            "0",
            "--max-tokens",
            "16",
            "Once upon a time");
    JsonNode s = JSON.readTree(j.out()).get("speculation");
    assertEquals(CONTINUATION, JSON.readTree(j.out()).get("text").asText());
    assertTrue(s.get("rounds").asInt() > 0, s.toString());
    for (String f : new String[] {"acceptance", "mean_accepted", "gate_off_decisions"}) {
      assertTrue(s.has(f), f);
    }
  }

  @Test
  void jsonReportsTheGatesProbesAndDecisionsAsBenchSpeculativeDoes() throws Exception {
    Cli.Result r =
        generate(
            "--speculate",
            "--json",
            "--temperature",
            "0",
            "--max-tokens",
            "24",
            "Once upon a time");
    assertEquals(0, r.exit(), r.toString());
    JsonNode j = JSON.readTree(r.out());
    JsonNode s = j.get("speculation");
    assertTrue(s.get("adaptive").asBoolean(), s.toString());
    assertTrue(s.get("probes").isInt() && s.get("probes").asInt() >= 0, s.toString());
    assertTrue(s.get("recalled").isBoolean(), s.toString());
    assertFalse(s.get("recalled").asBoolean(), "a fresh process has no memory: " + s);
    int tokens = j.get("tokens").size();
    int plain = s.get("plain_steps").asInt();
    assertTrue(plain >= 0 && plain <= tokens, s.toString());
    double share = s.get("speculated_share").asDouble();
    assertEquals((double) (tokens - plain) / tokens, share, 1e-9, s.toString());
    assertTrue(share > 0 && share <= 1, "self-speculation drafts: " + s);
    String gate = s.get("gate").asText();
    int offs = s.get("gate_off_decisions").asInt();
    int probes = s.get("probes").asInt();
    if (offs == 0 && probes == 0) {
      assertEquals("on throughout", gate, s.toString());
    } else {
      assertTrue(gate.startsWith("off " + offs + "×, " + probes + " probes ("), s.toString());
    }
  }

  @Test
  void speculationWithALongContextGivesTheDrafterAShortOne() throws Exception {
    Path story = tmp.resolve("story.txt");
    Files.writeString(
        story,
        "Lily had a red ball. She played with it in the park every day. "
            + "Her brother Tom liked to read books about the sea. ".repeat(3));
    Cli.Result given =
        generate(
            "--context-file",
            story.toString(),
            "--speculate",
            "--draft-context",
            "Lily had a red ball.",
            "--temperature",
            "0",
            "--max-tokens",
            "8",
            "Once upon a time");
    assertEquals(0, given.exit(), given.toString());
    assertFalse(given.out().isBlank(), given.toString());
    Cli.Result built =
        generate(
            "--data",
            tmp.resolve("data").toString(),
            "--context-file",
            story.toString(),
            "--speculate",
            "--temperature",
            "0",
            "--max-tokens",
            "8",
            "Lily and her ball");
    assertEquals(0, built.exit(), built.toString());
    assertTrue(built.err().contains("speculation: "), built.toString());
  }

  @Test
  void badInputGivesOneLineAndAFailingExitCode() throws Exception {
    assertOneLineError(
        generateWith(tmp.resolve("missing.gguf").toString(), "hi"), "no such model file");
    Path corrupt = tmp.resolve("corrupt.gguf");
    Files.write(corrupt, "GGUF this is not a model".getBytes());
    assertOneLineError(generateWith(corrupt.toString(), "hi"), "corrupt.gguf");
    assertOneLineError(generate("  "), "the prompt is empty");
    assertOneLineError(
        generate("--context", "8", "Once upon a time there was a very long prompt"),
        "but the context holds 8");
    assertOneLineError(generate("--draft-context", "x", "hi"), "--draft-context needs");
    assertOneLineError(Cli.run("generate", "hi"), "--model FILE.gguf is required");
  }

  private static void assertOneLineError(Cli.Result r, String expected) {
    assertNotEquals(0, r.exit(), r.toString());
    assertTrue(r.err().startsWith("fathom: "), r.toString());
    assertTrue(r.err().contains(expected), r.toString());
    assertEquals(1, r.err().strip().lines().count(), r.toString());
  }
}
