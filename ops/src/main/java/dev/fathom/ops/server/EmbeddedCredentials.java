package dev.fathom.ops.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;

/**
 * The secrets of a secured embedded broker, generated once into the data directory with file mode
 * 600 and kept across restarts:
 *
 * <ul>
 *   <li>{@code kafka-credentials.properties}: Fathom's own principal ({@value #FATHOM_USER}, the
 *       broker's super user) and its password, and the password of the client principal.
 *   <li>{@code kafka-client.properties}: a ready client configuration for the client principal
 *       ({@value #CLIENT_USER}): give it to a producer or consumer ({@code --command-config},
 *       {@code --producer.config}) to produce questions and documents and read answers.
 * </ul>
 *
 * Whoever can read the data directory can read these, as they can read the index (see
 * docs/security.md, threat model).
 */
final class EmbeddedCredentials {

  static final String FATHOM_USER = "fathom";
  static final String CLIENT_USER = "fathom-client";
  static final String MECHANISM = "SCRAM-SHA-512";
  static final String CREDENTIALS_FILE = "kafka-credentials.properties";
  static final String CLIENT_FILE = "kafka-client.properties";

  private final String fathomPassword;
  private final String clientPassword;

  private EmbeddedCredentials(String fathomPassword, String clientPassword) {
    this.fathomPassword = fathomPassword;
    this.clientPassword = clientPassword;
  }

  /** Reads the credentials of {@code dataDir}, generating them (mode 600) the first time. */
  static EmbeddedCredentials loadOrCreate(Path dataDir) {
    Path f = dataDir.resolve(CREDENTIALS_FILE);
    try {
      Files.createDirectories(dataDir);
      if (!Files.exists(f)) {
        Properties p = new Properties();
        p.setProperty("fathom.password", randomSecret());
        p.setProperty("client.password", randomSecret());
        writePrivate(f, p, "Kafka credentials of the embedded broker (generated; keep private)");
      }
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(f)) {
        p.load(in);
      }
      EmbeddedCredentials c =
          new EmbeddedCredentials(
              require(p, "fathom.password", f), require(p, "client.password", f));
      Properties client = new Properties();
      client.putAll(c.clientProperties(CLIENT_USER, c.clientPassword));
      writePrivate(
          dataDir.resolve(CLIENT_FILE),
          client,
          "Client settings for the embedded broker of fathom serve (SASL/SCRAM; keep private)");
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write Kafka credentials in " + dataDir, e);
    }
  }

  /** A random secret of 32 bytes, URL-safe Base64. */
  static String randomSecret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  String fathomPassword() {
    return fathomPassword;
  }

  String clientPassword() {
    return clientPassword;
  }

  /** The properties of Fathom's own clients: SCRAM as the super user. */
  Map<String, String> fathomClientProperties() {
    return clientProperties(FATHOM_USER, fathomPassword);
  }

  /** The properties of a client that logs in as {@code user} with SCRAM. */
  static Map<String, String> clientProperties(String user, String password) {
    return Map.of(
        "security.protocol",
        "SASL_PLAINTEXT",
        "sasl.mechanism",
        MECHANISM,
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + user
            + "\" password=\""
            + password
            + "\";");
  }

  /** Writes {@code p} to {@code f} readable and writable by the owner only. */
  private static void writePrivate(Path f, Properties p, String comment) throws IOException {
    Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.TRUNCATE_EXISTING)) {
      p.store(out, comment);
    }
    Files.move(
        tmp,
        f,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static String require(Properties p, String key, Path f) {
    String v = p.getProperty(key);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(
          f + " lacks " + key + ": delete the file to generate new credentials");
    }
    return v;
  }
}
