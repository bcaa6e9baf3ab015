package dev.fathom.ops.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.Objects;

/**
 * How long an HTTP client may take and how many may be connected ({@code fathom.http.*}); enforced
 * by {@link ConnectionGuard}, with Pekko HTTP's own {@code idle-timeout} for silent connections.
 *
 * @param headerTimeout longest wait for a request's head, from the connection's start or the end of
 *     the previous response ({@code fathom.http.header-timeout})
 * @param bodyTimeout longest wait for a request's body once its head arrived ({@code
 *     fathom.http.body-timeout})
 * @param maxConnections connections open at once; more are closed at once ({@code
 *     fathom.http.max-connections}), 1..100000
 */
public record HttpLimits(Duration headerTimeout, Duration bodyTimeout, int maxConnections) {

  public HttpLimits {
    Objects.requireNonNull(headerTimeout, "headerTimeout");
    Objects.requireNonNull(bodyTimeout, "bodyTimeout");
    if (headerTimeout.toMillis() < 100 || bodyTimeout.toMillis() < 100) {
      throw new IllegalArgumentException(
          "fathom.http.header-timeout and body-timeout must be at least 100ms, got "
              + headerTimeout
              + " and "
              + bodyTimeout);
    }
    if (maxConnections < 1 || maxConnections > 100_000) {
      throw new IllegalArgumentException(
          "fathom.http.max-connections must be in 1..100000, got " + maxConnections);
    }
  }

  /** The defaults of {@code application.conf}. */
  public static HttpLimits defaults() {
    return new HttpLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), 512);
  }

  /** Reads {@code fathom.http.header-timeout}, {@code body-timeout} and {@code max-connections}. */
  public static HttpLimits fromConfig(Config config) {
    try {
      Config h = config.getConfig("fathom.http");
      HttpLimits d = defaults();
      return new HttpLimits(
          h.hasPath("header-timeout") ? h.getDuration("header-timeout") : d.headerTimeout(),
          h.hasPath("body-timeout") ? h.getDuration("body-timeout") : d.bodyTimeout(),
          h.hasPath("max-connections") ? h.getInt("max-connections") : d.maxConnections());
    } catch (ConfigException e) {
      throw new IllegalArgumentException("configuration: " + e.getMessage(), e);
    }
  }
}
