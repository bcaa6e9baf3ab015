package dev.fathom.retrieval.index;

import java.util.Objects;

/**
 * What the index remembers about one ingested source, committed atomically with its passages, so an
 * interrupted ingest never leaves the two out of step.
 *
 * @param source the source path (absolute, normalised) or document id
 * @param root the directory given to {@code ingest} that contained it, or the path itself
 * @param sha256 hex SHA-256 of the source bytes
 * @param passages number of passages indexed for it
 */
public record FileRecord(String source, String root, String sha256, int passages) {
  public FileRecord {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(sha256, "sha256");
    if (passages < 0) throw new IllegalArgumentException("passages must be >= 0, got " + passages);
  }
}
