package dev.fathom.ops.server;

import com.typesafe.config.Config;
import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * Where {@code fathom serve} sends traces: nowhere by default. Set {@code
 * fathom.tracing.otlp-endpoint} (an OTLP/HTTP base URL such as {@code http://collector:4318}) or
 * the standard OpenTelemetry variables to turn tracing on.
 *
 * <p>Precedence: {@code OTEL_TRACES_EXPORTER=none} turns tracing off whatever else is set; else
 * {@code fathom.tracing.otlp-endpoint} when non-empty; else {@code
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (the full traces URL); else {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT} (a base URL, {@code /v1/traces} appended, as the OpenTelemetry
 * specification says). The service name is {@code OTEL_SERVICE_NAME} or {@code
 * fathom.tracing.service-name}.
 *
 * @param tracesUrl the full OTLP/HTTP traces URL, or null when tracing is off
 * @param serviceName the {@code service.name} resource attribute of every span
 */
public record TracingSettings(URI tracesUrl, String serviceName) {

  public TracingSettings {
    Objects.requireNonNull(serviceName, "serviceName");
    if (serviceName.isBlank()) {
      throw new IllegalArgumentException("fathom.tracing.service-name must not be blank");
    }
    if (tracesUrl != null
        && !"http".equals(tracesUrl.getScheme())
        && !"https".equals(tracesUrl.getScheme())) {
      throw new IllegalArgumentException(
          "the OTLP endpoint must be an http:// or https:// URL, got " + tracesUrl);
    }
  }

  /** Tracing off: no exporter, no SDK; an incoming {@code traceparent} is still passed on. */
  public static TracingSettings off() {
    return new TracingSettings(null, "fathom");
  }

  public boolean enabled() {
    return tracesUrl != null;
  }

  /** Reads {@code fathom.tracing} and the process environment. */
  public static TracingSettings fromConfig(Config config) {
    return fromConfig(config, System.getenv());
  }

  static TracingSettings fromConfig(Config config, Map<String, String> env) {
    String name =
        nonBlank(env.get("OTEL_SERVICE_NAME"))
            ? env.get("OTEL_SERVICE_NAME").strip()
            : config.hasPath("fathom.tracing.service-name")
                ? config.getString("fathom.tracing.service-name")
                : "fathom";
    if ("none".equalsIgnoreCase(String.valueOf(env.get("OTEL_TRACES_EXPORTER")).strip())) {
      return new TracingSettings(null, name);
    }
    String own =
        config.hasPath("fathom.tracing.otlp-endpoint")
            ? config.getString("fathom.tracing.otlp-endpoint").strip()
            : "";
    if (!own.isEmpty()) return new TracingSettings(uri(tracesPath(own)), name);
    if (nonBlank(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))) {
      return new TracingSettings(uri(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").strip()), name);
    }
    if (nonBlank(env.get("OTEL_EXPORTER_OTLP_ENDPOINT"))) {
      return new TracingSettings(uri(tracesPath(env.get("OTEL_EXPORTER_OTLP_ENDPOINT"))), name);
    }
    return new TracingSettings(null, name);
  }

  /** A base endpoint gets the signal path {@code /v1/traces}; a full traces URL is kept. */
  private static String tracesPath(String base) {
    String b = base.strip();
    if (b.endsWith("/v1/traces")) return b;
    return (b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + "/v1/traces";
  }

  private static URI uri(String s) {
    try {
      return URI.create(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the OTLP endpoint is not a valid URL: " + s, e);
    }
  }

  private static boolean nonBlank(String s) {
    return s != null && !s.isBlank();
  }
}
