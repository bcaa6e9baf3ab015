package dev.fathom.drafters.gguf;

/** A GGUF file that cannot be read: truncated, corrupt, or using something this engine lacks. */
public final class GgufFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GgufFormatException(String message) {
    super(message);
  }
}
