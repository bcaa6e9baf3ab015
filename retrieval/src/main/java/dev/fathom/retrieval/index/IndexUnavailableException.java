package dev.fathom.retrieval.index;

/**
 * The index cannot be used: it is missing, corrupt, locked by another process, or was written by an
 * incompatible version. The message says which and what to do.
 */
public final class IndexUnavailableException extends RuntimeException {
  public IndexUnavailableException(String message) {
    super(message);
  }

  public IndexUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
