package dev.fathom.retrieval.embed;

/** The embedding model could not be loaded or run. */
public final class EmbeddingException extends RuntimeException {
  public EmbeddingException(String message, Throwable cause) {
    super(message, cause);
  }
}
