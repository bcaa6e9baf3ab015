package dev.fathom.retrieval.ingest;

import java.nio.file.Path;

/** Progress of an ingest, for progress bars and logs. Called from the ingesting thread. */
public interface IngestListener {

  /** The files to look at are known. */
  default void started(int files) {}

  /** One file has been handled (indexed, skipped or failed); {@code done} counts from 1. */
  default void progress(int done, int files, int passages) {}

  /** A file was skipped because it could not be read; the rest of the ingest goes on. */
  default void warning(Path file, String reason) {}

  IngestListener NONE = new IngestListener() {};
}
