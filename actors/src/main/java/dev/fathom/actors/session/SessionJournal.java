package dev.fathom.actors.session;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;

/**
 * Where sessions are journaled: by default an H2 database file, {@code sessions/journal.mv.db}
 * under the data directory, durable and with no server to start (pekko-persistence-jdbc).
 */
public final class SessionJournal {

  private static final String URL = "pekko-persistence-jdbc.shared-databases.slick.db.url";

  private SessionJournal() {}

  /**
   * The session system's configuration: -D system properties, then {@code overrides} (the cluster
   * and journal settings read from fathom's configuration), then {@code fathom-sessions.conf}, then
   * {@code fallback} (the loaded application.conf and reference.conf), with the journal's url under
   * {@code dataDir} unless one is configured.
   */
  public static Config config(Path dataDir, Config overrides, Config fallback) {
    Config base =
        ConfigFactory.defaultOverrides()
            .withFallback(overrides)
            .withFallback(ConfigFactory.parseResources("fathom-sessions.conf"))
            .withFallback(fallback);
    if (base.hasPath(URL)) return base.resolve();
    String file = dataDir.toAbsolutePath().resolve("sessions").resolve("journal").toString();
    // AUTO_SERVER lets a second process (fathom sessions list while fathom serve runs) open it.
    return base.withValue(
            URL, ConfigValueFactory.fromAnyRef("jdbc:h2:file:" + file + ";AUTO_SERVER=TRUE"))
        .resolve();
  }

  /** Creates the journal and snapshot tables if they do not exist yet. */
  public static void createTables(ActorSystem<?> system, Duration timeout) {
    try {
      SchemaUtils.createIfNotExists(system)
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating the session journal's tables", e);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot create the session journal's tables at "
              + system.settings().config().getString(URL)
              + ": "
              + e,
          e);
    }
  }
}
