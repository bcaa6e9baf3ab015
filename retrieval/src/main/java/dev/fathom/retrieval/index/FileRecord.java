package dev.fathom.retrieval.index;

import dev.fathom.retrieval.access.AccessList;
import dev.fathom.retrieval.meta.DocumentMetadata;
import java.util.Objects;

/**
 * What the index remembers about one ingested source, committed atomically with its passages, so an
 * interrupted ingest never leaves the two out of step.
 *
 * @param source the source path (absolute, normalised) or document id
 * @param root the directory given to {@code ingest} that contained it, or the path itself
 * @param sha256 hex SHA-256 of the source bytes
 * @param passages number of passages indexed for it
 * @param acl who may read it; stored on each of its passages and filtered inside every search
 * @param title the document's title; null when unknown (indexes written before titles were recorded
 *     here)
 * @param metadata what the document says about itself; indexed on each of its passages, so search
 *     filters apply to it
 */
public record FileRecord(
    String source,
    String root,
    String sha256,
    int passages,
    AccessList acl,
    String title,
    DocumentMetadata metadata) {
  public FileRecord {
    Objects.requireNonNull(acl, "acl");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(sha256, "sha256");
    if (passages < 0) throw new IllegalArgumentException("passages must be >= 0, got " + passages);
  }

  /**
   * Prefix of the {@link #root} of documents that came through a document stream (Kafka or HTTP)
   * rather than from files: the two namespaces are kept apart by it, so neither can replace or
   * delete the other's documents.
   */
  public static final String STREAM_ROOT_PREFIX = "kafka:";

  /** True when this source came through a document stream, not from {@code fathom ingest}. */
  public boolean fromStream() {
    return root.startsWith(STREAM_ROOT_PREFIX);
  }

  /** A source without a recorded title or metadata. */
  public FileRecord(String source, String root, String sha256, int passages, AccessList acl) {
    this(source, root, sha256, passages, acl, null, DocumentMetadata.EMPTY);
  }

  /**
   * The ways a path filter may name this source: the source itself and, for a file found under an
   * ingested folder, its path from that folder's name down ({@code docs/retrieval.md}).
   */
  public java.util.List<String> pathForms() {
    if (fromStream() || !source.startsWith(root + "/")) return java.util.List.of(source);
    int slash = root.lastIndexOf('/');
    String base = root.substring(slash + 1);
    String rel = source.substring(root.length() + 1);
    return base.isEmpty()
        ? java.util.List.of(source, rel)
        : java.util.List.of(source, base + "/" + rel);
  }

  /** A public source (no access list). */
  public FileRecord(String source, String root, String sha256, int passages) {
    this(source, root, sha256, passages, AccessList.PUBLIC);
  }
}
