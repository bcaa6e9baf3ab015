package dev.fathom.drafters.lm;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.memory.KvEvictionPolicy;
import dev.fathom.memory.KvEvictionSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerationSettingsTest {

  private static final GenerationSettings SOME =
      new GenerationSettings(
          8,
          0.7f,
          40,
          0.9f,
          0.05f,
          1.1f,
          32,
          5L,
          List.of("END"),
          new KvEvictionSettings(KvEvictionPolicy.parse("h2o", 4), 64));

  @Test
  void anUnchangedBuilderGivesEqualSettings() {
    assertEquals(SOME, SOME.toBuilder().build());
    assertEquals(GenerationSettings.GREEDY, GenerationSettings.builder().build());
  }

  @Test
  void eachWithMethodChangesOnlyItsComponent() {
    assertEquals(
        new GenerationSettings(
            9, 0.7f, 40, 0.9f, 0.05f, 1.1f, 32, 5L, List.of("END"), SOME.kvEviction()),
        SOME.withMaxTokens(9));
    assertEquals(0f, SOME.withTemperature(0f).temperature());
    assertEquals(SOME.topK(), SOME.withTemperature(0f).topK());
    assertEquals(6L, SOME.withSeed(6L).seed());
    assertEquals(List.of("a", "b"), SOME.withStop(List.of("a", "b")).stop());
    assertNull(SOME.withKvEviction(null).kvEviction());
    assertEquals(SOME.withKvEviction(null).withKvEviction(SOME.kvEviction()), SOME);
  }

  @Test
  void theBuilderSetsEveryComponent() {
    GenerationSettings s =
        GenerationSettings.builder()
            .maxTokens(8)
            .temperature(0.7f)
            .topK(40)
            .topP(0.9f)
            .minP(0.05f)
            .repetitionPenalty(1.1f)
            .repetitionWindow(32)
            .seed(5L)
            .stop(List.of("END"))
            .kvEviction(SOME.kvEviction())
            .build();
    assertEquals(SOME, s);
  }

  @Test
  void theNineArgumentConstructorKeepsTheModelsEviction() {
    assertNull(new GenerationSettings(8, 0f, 0, 1f, 0f, 1f, 64, 1L, List.of()).kvEviction());
  }

  @Test
  void buildChecksLikeTheConstructor() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> GenerationSettings.builder().topP(0f).build());
    assertTrue(e.getMessage().contains("topP must be in (0, 1], got 0.0"), e.getMessage());
  }
}
