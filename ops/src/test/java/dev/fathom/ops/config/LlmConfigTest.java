package dev.fathom.ops.config;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LlmConfigTest {

  private static LlmConfig read(String hocon) {
    return LlmConfig.from(
        ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()).resolve());
  }

  @Test
  void theDefaultsNameNoServer() {
    LlmConfig c = read("");
    assertFalse(c.configured());
    assertEquals(3, c.retry().maxAttempts());
    assertEquals(Duration.ofMillis(500), c.retry().initialBackoff());
    assertEquals(Duration.ofSeconds(120), c.timeout());
  }

  @Test
  void theApiKeyComesFromTheNamedVariableAndAnUnsetOneIsAnError() {
    LlmConfig c =
        read("fathom.llm { url = \"http://127.0.0.1:11434/v1\", api-key-env = \"MY_LLM_KEY\" }");
    assertEquals("sk-1", c.settings(c.url(), Map.of("MY_LLM_KEY", "sk-1")).apiKeyOrNull());
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> c.settings(c.url(), Map.of("OTHER", "x")));
    assertTrue(e.getMessage().contains("MY_LLM_KEY"), e.getMessage());
    assertFalse(c.toString().contains("sk-1"));
  }

  @Test
  void badSettingsAreRefusedNamingThem() {
    var url =
        assertThrows(IllegalArgumentException.class, () -> read("fathom.llm.url = \"ftp://x\""));
    assertTrue(url.getMessage().startsWith("configuration: fathom.llm:"), url.getMessage());
    assertTrue(url.getMessage().contains("http://"), url.getMessage());
    var retries =
        assertThrows(IllegalArgumentException.class, () -> read("fathom.llm.retry.attempts = 0"));
    assertTrue(retries.getMessage().contains("1..10"), retries.getMessage());
  }
}
