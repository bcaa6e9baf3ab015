package dev.fathom.ops.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.fathom.retrieval.parse.PathDocumentPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code fathom.documents} of the configuration: how the document stream treats path documents and
 * when it counts as stuck.
 *
 * @param paths which path documents ({@code {"id","path"}}) the server may read; off unless {@code
 *     path.allowed-roots} names at least one directory
 * @param stallAfter a document batch in progress longer than this makes {@code /readyz} report the
 *     server not ready (10 s .. 1 h)
 */
public record DocumentSettings(PathDocumentPolicy paths, Duration stallAfter) {

  public DocumentSettings {
    Objects.requireNonNull(paths, "paths");
    Objects.requireNonNull(stallAfter, "stallAfter");
    if (stallAfter.compareTo(Duration.ofSeconds(1)) < 0
        || stallAfter.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "fathom.documents.stall-after must be in 1s..1h, got " + stallAfter);
    }
  }

  /** The defaults: path documents refused, a batch stuck for 5 minutes is reported. */
  public static DocumentSettings defaults() {
    return new DocumentSettings(PathDocumentPolicy.disabled(), Duration.ofMinutes(5));
  }

  /** Reads {@code fathom.documents} from {@code config} (defaults when the section is absent). */
  public static DocumentSettings fromConfig(Config config) {
    if (!config.hasPath("fathom.documents")) return defaults();
    try {
      Config d = config.getConfig("fathom.documents");
      List<Path> roots = new ArrayList<>();
      for (String r : d.getStringList("path.allowed-roots")) {
        if (!r.isBlank()) roots.add(Path.of(r.strip()));
      }
      long maxBytes = d.getBytes("path.max-bytes");
      PathDocumentPolicy policy =
          roots.isEmpty()
              ? new PathDocumentPolicy(false, List.of(), maxBytes)
              : PathDocumentPolicy.allowUnder(roots, maxBytes);
      return new DocumentSettings(policy, d.getDuration("stall-after"));
    } catch (ConfigException | IllegalArgumentException e) {
      throw new IllegalArgumentException("configuration: fathom.documents: " + e.getMessage(), e);
    }
  }
}
