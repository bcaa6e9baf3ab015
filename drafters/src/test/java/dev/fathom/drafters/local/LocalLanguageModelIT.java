package dev.fathom.drafters.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.Generation.StopReason;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.speculative.RapidSettings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalLanguageModelIT {
  static final Path STORIES =
      Path.of(System.getProperty("fathom.root", "."))
          .resolve("../shared/models/stories260K/stories260K.gguf");
  // Published with llama2.c: `./run stories260K.bin -z tok512.bin -t 0.0`
  // (../shared/models/README.md).
  static final String LLAMA2C_TEXT =
      "Once upon a time, there was a little girl named Lily. She loved to play outside in the"
          + " park. One day, she saw a big, red ball. She wanted to play with it, but it was too"
          + " high.";

  static LocalLanguageModel model;

  @BeforeAll
  static void load() throws Exception {
    model = LocalLanguageModel.open(STORIES, new EngineSettings(2, 0, null));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void greedyContinuationOfTheReadmePromptIsTokenForToken() {
    StringBuilder streamed = new StringBuilder();
    Generation g =
        model.complete(
            "Once upon a time", GenerationSettings.GREEDY.withMaxTokens(16), streamed::append);
    assertArrayEquals(new int[] {1, 403, 407, 261, 378}, g.promptTokens());
    assertArrayEquals(
        new int[] {432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267, 337},
        g.tokens());
    assertEquals(", there was a little girl named Lily. She loved to play", g.text());
    assertEquals(g.text(), streamed.toString());
    assertEquals(StopReason.MAX_TOKENS, g.stopReason());
  }

  @Test
  void bosPlus255GreedyTokensReproduceLlama2csPublishedText() {
    Generation g = model.complete("", GenerationSettings.GREEDY.withMaxTokens(255), t -> {});
    assertTrue(g.text().startsWith(LLAMA2C_TEXT), () -> "got: " + g.text().substring(0, 200));
  }

  @Test
  void stopStringEndsTheTextBeforeIt() {
    Generation g =
        model.complete(
            "Once upon a time",
            GenerationSettings.GREEDY.withMaxTokens(64).withStop(List.of("Lily")),
            t -> {});
    assertEquals(", there was a little girl named ", g.text());
    assertEquals(StopReason.STOP_STRING, g.stopReason());
  }

  @Test
  void seededSamplingIsReproducible() {
    GenerationSettings s =
        GenerationSettings.GREEDY.withTemperature(1f).withSeed(7).withMaxTokens(40);
    Generation a = model.complete("Once upon a time", s, t -> {});
    Generation b = model.complete("Once upon a time", s, t -> {});
    assertArrayEquals(a.tokens(), b.tokens());
  }

  @Test
  void speculativeGreedyGivesThePlainGreedyText() {
    int[] target = model.promptTokens(LLAMA2C_TEXT + " Once upon a time");
    int[] draft = model.promptTokens("Once upon a time");
    GenerationSettings s = GenerationSettings.GREEDY.withMaxTokens(60);
    Generation plain = model.generate(target, s, List.of(), t -> {});
    LocalLanguageModel.SpeculativeGeneration spec =
        model.speculate(
            target,
            model,
            draft,
            s,
            RapidSettings.DEFAULTS.withAdaptive(false),
            List.of(),
            t -> {});
    assertEquals(plain.text(), spec.generation().text());
    assertTrue(spec.stats().rounds() > 0);
  }

  @Test
  void aPromptLongerThanTheContextIsRefusedWithTheNumbers() {
    String longText = "Once upon a time there was a dog. ".repeat(400);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> model.complete(longText, GenerationSettings.GREEDY, t -> {}));
    assertTrue(e.getMessage().contains("the context holds"), e.getMessage());
  }
}
