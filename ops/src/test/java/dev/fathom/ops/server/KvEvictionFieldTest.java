package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.memory.KvEvictionSettings;
import org.junit.jupiter.api.Test;

/** A chat request's {@code kv_eviction} as read, and each fault as the 400 it becomes. */
class KvEvictionFieldTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static KvEvictionSettings parse(String body) throws Exception {
    return KvEvictionField.parse(JSON.readTree(body));
  }

  private static OpenAiError refused(String field) {
    return assertThrows(OpenAiError.Failure.class, () -> parse("{\"kv_eviction\":" + field + "}"))
        .error();
  }

  @Test
  void absentOrNullMeansTheModelsOwn() throws Exception {
    assertNull(parse("{}"));
    assertNull(parse("{\"kv_eviction\":null}"));
  }

  @Test
  void aPolicyAndABudgetAreRead() throws Exception {
    KvEvictionSettings s = parse("{\"kv_eviction\":{\"policy\":\"SnapKV\",\"budget\":512}}");
    assertEquals("snapkv", s.policy().name());
    assertEquals(512, s.budget());
    assertEquals(
        "streaming-llm",
        parse("{\"kv_eviction\":{\"policy\":\"streaming-llm\",\"budget\":5}}").policy().name());
  }

  @Test
  void eachFaultNamesItsFieldTheValueAndTheRange() {
    OpenAiError e = refused("{\"policy\":\"snapkv\",\"budget\":32}");
    assertEquals(400, e.status());
    assertEquals("kv_eviction.budget", e.param());
    assertEquals(
        "kv_eviction.budget must be an integer in 33..1000000 (positions kept; snapkv needs at"
            + " least 33), got 32",
        e.message());
    assertEquals("kv_eviction.policy", refused("{\"policy\":\"lru\",\"budget\":64}").param());
    assertTrue(refused("{\"policy\":\"lru\",\"budget\":64}").message().contains("\"lru\""));
    assertEquals("kv_eviction.policy", refused("{\"policy\":\"passage\",\"budget\":64}").param());
    assertEquals("kv_eviction.policy", refused("{\"policy\":7,\"budget\":64}").param());
    assertEquals("kv_eviction.budget", refused("{\"policy\":\"h2o\",\"budget\":1.5}").param());
    assertEquals("kv_eviction.budget", refused("{\"policy\":\"h2o\"}").param());
    assertEquals("kv_eviction.window", refused("{\"policy\":\"h2o\",\"window\":4}").param());
    assertEquals("kv_eviction", refused("[\"h2o\", 64]").param());
  }

  @Test
  void aModelThatWouldNotHonourItRefusesIt() {
    KvEvictionField.refuse(null, "m", "no reason needed");
    var e =
        assertThrows(
                OpenAiError.Failure.class,
                () ->
                    KvEvictionField.refuse(
                        parse("{\"kv_eviction\":{\"policy\":\"h2o\",\"budget\":64}}"),
                        "qwen",
                        "a model server keeps its own KV cache"))
            .error();
    assertEquals("kv_eviction", e.param());
    assertEquals(
        "kv_eviction is not supported by qwen: a model server keeps its own KV cache; omit it",
        e.message());
  }
}
