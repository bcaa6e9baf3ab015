package dev.fathom.drafters.lm;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OpenAiSettingsTest {

  private static OpenAiSettings at(String url) {
    return new OpenAiSettings(URI.create(url), "m", null, Duration.ofSeconds(30), 4096);
  }

  @Test
  void endpointsGoUnderV1Once() {
    assertEquals(
        URI.create("http://h:8000/v1/chat/completions"),
        at("http://h:8000").endpoint("chat/completions"));
    assertEquals(
        URI.create("http://h:8000/v1/completions"), at("http://h:8000/").endpoint("completions"));
    assertEquals(
        URI.create("http://h:11434/v1/chat/completions"),
        at("http://h:11434/v1").endpoint("chat/completions"));
    assertEquals(
        URI.create("https://h/proxy/v1/completions"),
        at("https://h/proxy/v1/").endpoint("completions"));
  }

  @Test
  void badSettingsAreRejectedNamingTheValue() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> at("ftp://h"))
            .getMessage()
            .contains("ftp://h"));
    assertThrows(IllegalArgumentException.class, () -> at("http://h/?x=1"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new OpenAiSettings(URI.create("http://h"), " ", null, Duration.ofSeconds(1), 1));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> new OpenAiSettings(URI.create("http://h"), "m", null, Duration.ZERO, 1))
            .getMessage()
            .contains("PT0S"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new OpenAiSettings(URI.create("http://h"), "m", null, Duration.ofSeconds(1), 0));
  }

  @Test
  void aBlankKeyIsNoKeyAndTheKeyStaysOutOfToString() {
    assertNull(
        new OpenAiSettings(URI.create("http://h"), "m", "  ", Duration.ofSeconds(1), 1)
            .apiKeyOrNull());
    String s =
        new OpenAiSettings(URI.create("http://h"), "m", "sk-secret", Duration.ofSeconds(1), 1)
            .toString();
    assertFalse(s.contains("sk-secret"), s);
  }
}
