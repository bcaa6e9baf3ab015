package dev.fathom.ops.config;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import dev.fathom.retrieval.rank.AttentionSettings;
import dev.fathom.retrieval.rank.AttentionSettings.Head;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code fathom.rerank.attention} read into {@link AttentionSettings}, and its errors. */
class AttentionConfigTest {

  private static AttentionSettings read(String hocon) {
    return AttentionConfig.from(
        ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()).resolve());
  }

  private static String refused(String hocon) {
    return assertThrows(IllegalArgumentException.class, () -> read(hocon)).getMessage();
  }

  @Test
  void theShippedDefaultsAreIcrs() {
    assertEquals(AttentionSettings.defaults(), read(""));
    assertEquals(
        AttentionSettings.defaults(), AttentionConfig.from(ConfigFactory.parseString("a = 1")));
  }

  @Test
  void theStories260KChoiceIsTwoKeys() {
    assertEquals(
        AttentionSettings.stories260K(),
        read("fathom.rerank.attention { layout = blocks, heads = [\"4.1\"] }"));
  }

  @Test
  void everyKeyIsRead() {
    AttentionSettings s =
        read(
            "fathom.rerank.attention { layout = BLOCKS, heads = [\"4.1\", \"0.5\"], layers = [2, 4],"
                + " calibrate = false, passage-tokens = 120 }");
    assertTrue(s.blocks());
    assertEquals(List.of(new Head(4, 1), new Head(0, 5)), s.heads());
    assertEquals(List.of(2, 4), s.layers());
    assertFalse(s.calibrate());
    assertEquals(120, s.passageTokens());
  }

  @Test
  void listsFromTheEnvironmentAreCommaSeparated() {
    // What heads = ${?FATHOM_RERANK_ATTENTION_HEADS} resolves to: one string.
    AttentionSettings s =
        read("fathom.rerank.attention { heads = \"4.1, 4.0\", layers = \"3,4\" }");
    assertEquals(List.of(new Head(4, 1), new Head(4, 0)), s.heads());
    assertEquals(List.of(3, 4), s.layers());
    assertEquals(List.of(), read("fathom.rerank.attention.heads = \"\"").heads());
  }

  @Test
  void badValuesAreRefusedNamingTheKeyAndTheLegalValues() {
    String layout = refused("fathom.rerank.attention.layout = diagonal");
    assertEquals(
        "configuration: fathom.rerank.attention.layout must be sequence or blocks, got 'diagonal'",
        layout);
    String head = refused("fathom.rerank.attention.heads = [\"4\"]");
    assertTrue(head.startsWith("configuration: fathom.rerank.attention.heads '4'"), head);
    assertTrue(head.contains("\"layer.head\""), head);
    assertTrue(refused("fathom.rerank.attention.heads = [\"4.-1\"]").contains("'4.-1'"));
    assertTrue(refused("fathom.rerank.attention.heads = [\"a.b\"]").contains("'a.b'"));
    String layer = refused("fathom.rerank.attention.layers = [-1]");
    assertTrue(layer.startsWith("configuration: fathom.rerank.attention.layers '-1'"), layer);
    String tokens = refused("fathom.rerank.attention.passage-tokens = 2");
    assertEquals(
        "configuration: fathom.rerank.attention.passage-tokens must be in 4..8192, got 2", tokens);
    String calibrate = refused("fathom.rerank.attention.calibrate = sometimes");
    assertTrue(
        calibrate.startsWith("configuration: fathom.rerank.attention.calibrate must be true or"),
        calibrate);
    String heads = refused("fathom.rerank.attention.heads = { a = 1 }");
    assertTrue(heads.contains("fathom.rerank.attention.heads must be a list"), heads);
  }
}
