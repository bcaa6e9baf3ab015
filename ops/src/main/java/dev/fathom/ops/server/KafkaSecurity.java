package dev.fathom.ops.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/**
 * The Kafka security settings of {@code fathom serve}: {@code fathom.kafka.security} for the
 * embedded broker, {@code fathom.kafka.client-properties} for an external cluster, and the node
 * secret that makes Fathom's transactional ids and group names unguessable.
 */
final class KafkaSecurity {

  private KafkaSecurity() {}

  /**
   * Whether the embedded broker requires SASL/SCRAM and ACLs: {@code fathom.kafka.security} is
   * {@code on}, or {@code auto} (the default) and the HTTP API has a key — an API key that Kafka
   * clients could walk around would protect nothing.
   *
   * @throws IllegalArgumentException when the setting is not auto, on or off
   */
  static boolean embeddedSecured(Config config, HttpSettings http) {
    String v =
        config.hasPath("fathom.kafka.security")
            ? config.getString("fathom.kafka.security")
            : "auto";
    return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "on" -> true;
      case "off" -> false;
      case "auto" -> !http.apiKey().isBlank();
      default ->
          throw new IllegalArgumentException(
              "configuration: fathom.kafka.security must be auto, on or off, got '" + v + "'");
    };
  }

  /**
   * {@code fathom.kafka.client-properties}: Kafka client properties (SASL, TLS) that every client
   * of an external cluster sets, e.g. {@code "security.protocol" = SASL_SSL}.
   */
  static Map<String, String> externalClientProperties(Config config) {
    Map<String, String> out = new HashMap<>();
    if (!config.hasPath("fathom.kafka.client-properties")) return out;
    for (Map.Entry<String, ConfigValue> e :
        config.getConfig("fathom.kafka.client-properties").entrySet()) {
      // Keys like "security.protocol" arrive quoted when written with the quotes HOCON needs.
      String key = e.getKey().replace("\"", "");
      out.put(key, String.valueOf(e.getValue().unwrapped()));
    }
    return out;
  }

  /** A random secret kept in {@code <data>/node-secret} (mode 600), generated the first time. */
  static String nodeSecret(Path dataDir) {
    Path f = dataDir.resolve("node-secret");
    try {
      if (Files.exists(f)) return Files.readString(f, StandardCharsets.UTF_8).strip();
      Files.createDirectories(dataDir);
      String secret = EmbeddedCredentials.randomSecret().substring(0, 22);
      Files.createFile(
          f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(f, secret + "\n", StandardCharsets.UTF_8);
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + f, e);
    }
  }
}
