package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class HttpSettingsTest {

  @Test
  void listeningBeyondLoopbackWithoutAKeyIsRefusedWithTheReason() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new HttpSettings("0.0.0.0", 8080, ""));
    assertTrue(e.getMessage().contains("fathom.http.api-key"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertThrows(IllegalArgumentException.class, () -> new HttpSettings("example.org", 80, " "));
  }

  @Test
  void loopbackNeedsNoKeyAndAnyHostWorksWithOne() {
    for (String host : new String[] {"127.0.0.1", "127.0.0.2", "::1", "localhost"}) {
      assertFalse(new HttpSettings(host, 8080, "").keyRequired(), host);
    }
    assertTrue(new HttpSettings("0.0.0.0", 8080, "k").keyRequired());
    // Without the HTTP API there is nothing to protect.
    assertEquals(-1, new HttpSettings("0.0.0.0", -1, "").port());
  }

  @Test
  void theKeyIsNotPrinted() {
    assertFalse(new HttpSettings("0.0.0.0", 1, "s3cret").toString().contains("s3cret"));
  }
}
