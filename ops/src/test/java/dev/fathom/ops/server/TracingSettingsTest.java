package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingSettingsTest {

  private static Config conf(String endpoint) {
    return ConfigFactory.parseMap(Map.of("fathom.tracing.otlp-endpoint", endpoint));
  }

  @Test
  void offByDefault() {
    TracingSettings s = TracingSettings.fromConfig(ConfigFactory.load(), Map.of());
    assertFalse(s.enabled());
    assertEquals("fathom", s.serviceName());
  }

  @Test
  void ownSettingGetsTheTracesPathAppended() {
    assertEquals(
        "http://collector:4318/v1/traces",
        TracingSettings.fromConfig(conf("http://collector:4318/"), Map.of())
            .tracesUrl()
            .toString());
    assertEquals(
        "http://c:4318/v1/traces",
        TracingSettings.fromConfig(conf("http://c:4318/v1/traces"), Map.of())
            .tracesUrl()
            .toString());
  }

  @Test
  void standardEnvironmentVariablesAreHonoured() {
    Config none = conf("");
    assertEquals(
        "http://b:4318/v1/traces",
        TracingSettings.fromConfig(none, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://b:4318"))
            .tracesUrl()
            .toString());
    assertEquals(
        "http://t:9/custom",
        TracingSettings.fromConfig(
                none,
                Map.of(
                    "OTEL_EXPORTER_OTLP_ENDPOINT", "http://b:4318",
                    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://t:9/custom"))
            .tracesUrl()
            .toString());
    TracingSettings named =
        TracingSettings.fromConfig(
            conf("http://c:4318"),
            Map.of("OTEL_SERVICE_NAME", "fathom-eu-1", "OTEL_TRACES_EXPORTER", "none"));
    assertFalse(named.enabled(), "OTEL_TRACES_EXPORTER=none wins");
    assertEquals("fathom-eu-1", named.serviceName());
  }

  @Test
  void aNonHttpEndpointIsRefusedNamingIt() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TracingSettings.fromConfig(conf("grpc://c:4317"), Map.of()));
    assertTrue(e.getMessage().contains("grpc://c:4317/v1/traces"), e.getMessage());
  }
}
