package dev.fathom.ops.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.net.InetAddress;
import java.util.Objects;

/**
 * {@code fathom.http} of the configuration: where the HTTP API of {@code fathom serve} listens and
 * the key it asks for.
 *
 * @param host the address to listen on; beyond loopback only with an API key
 * @param port -1..65535: 0 = any free port, -1 = no HTTP API
 * @param apiKey the single {@code fathom.http.api-key}; blank = none
 * @param apiKeys every key a {@code /v1/*} request may present and its principal ({@code apiKey}
 *     included); empty = no key (loopback only, every caller anonymous)
 */
public record HttpSettings(String host, int port, String apiKey, ApiKeys apiKeys) {

  public HttpSettings {
    Objects.requireNonNull(apiKey, "apiKey");
    Objects.requireNonNull(apiKeys, "apiKeys");
    if (host == null || host.isBlank())
      throw new IllegalArgumentException("fathom.http.host is blank");
    if (port < -1 || port > 65535) {
      throw new IllegalArgumentException("the HTTP port must be in -1..65535, got " + port);
    }
    if (port >= 0 && apiKeys.isEmpty() && !loopback(host)) {
      throw new IllegalArgumentException(
          "fathom.http.host is "
              + host
              + ", beyond loopback, but no API key is set: set fathom.http.api-key"
              + " (or FATHOM_API_KEY), or listen on 127.0.0.1");
    }
  }

  /** Only the single {@code apiKey} (blank = none), as {@link ApiKeys#SINGLE_KEY_PRINCIPAL}. */
  public HttpSettings(String host, int port, String apiKey) {
    this(host, port, apiKey, ApiKeys.of(apiKey, java.util.List.of()));
  }

  /** Loopback only, no key, on {@code port}. */
  public static HttpSettings loopback(int port) {
    return new HttpSettings("127.0.0.1", port, "");
  }

  /** Reads {@code fathom.http} from {@code config}. */
  public static HttpSettings fromConfig(Config config) {
    try {
      Config h = config.getConfig("fathom.http");
      String key = h.getString("api-key").strip();
      return new HttpSettings(
          h.getString("host").strip(), h.getInt("port"), key, ApiKeys.fromConfig(config, key));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("configuration: " + e.getMessage(), e);
    }
  }

  public HttpSettings withPort(int p) {
    return new HttpSettings(host, p, apiKey, apiKeys);
  }

  /** True when a request must present the key. */
  public boolean keyRequired() {
    return !apiKeys.isEmpty();
  }

  /** Only literal loopback addresses and "localhost" count; a host name is never resolved here. */
  static boolean loopback(String host) {
    if (host.equalsIgnoreCase("localhost")) return true;
    try {
      return InetAddress.ofLiteral(host).isLoopbackAddress();
    } catch (IllegalArgumentException notALiteral) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "HttpSettings[host="
        + host
        + ", port="
        + port
        + ", apiKey="
        + (apiKey.isBlank() ? "" : "***")
        + ", apiKeys="
        + apiKeys.size()
        + "]";
  }
}
