package dev.fathom.retrieval.ingest;

/**
 * What an ingest did.
 *
 * @param files supported files found under the given paths
 * @param indexed files that were new or changed and are now indexed
 * @param unchanged files skipped because their content hash matched the index
 * @param failed files skipped with a warning (unreadable, binary, malformed)
 * @param removed sources dropped because they disappeared from an ingested directory
 * @param passages passages written
 * @param seconds wall time
 */
public record IngestReport(
    int files, int indexed, int unchanged, int failed, int removed, int passages, double seconds) {

  /** Passages written per second, embedding included. */
  public double passagesPerSecond() {
    return seconds > 0 ? passages / seconds : 0;
  }

  /** The one-line summary the command line prints. */
  public String summary() {
    return String.format(
        "%d files: %d indexed, %d unchanged, %d failed, %d removed; %d passages in %.1f s (%.0f passages/s)",
        files, indexed, unchanged, failed, removed, passages, seconds, passagesPerSecond());
  }
}
