package dev.fathom.drafters.lm;

/**
 * A request to an OpenAI-compatible server failed. Text that had already arrived is not lost: the
 * listener has received what was safe to emit, and {@link #partialText()} holds all of it.
 */
public final class OpenAiException extends RuntimeException {

  private final int status;
  private final String partialText;
  private java.time.Duration retryAfter; // the server's Retry-After, or null

  OpenAiException(String message, int status, String partialText, Throwable cause) {
    super(
        partialText.isEmpty()
            ? message
            : message + " (" + partialText.length() + " characters had arrived: see partialText())",
        cause);
    this.status = status;
    this.partialText = partialText;
  }

  /**
   * The HTTP error status the server answered with, or 0 (no response, or a reply that broke off).
   */
  public int status() {
    return status;
  }

  /**
   * How long the server asked the client to wait before trying again (its {@code Retry-After}
   * header, in seconds, on a 429 or 503), or null when it said nothing.
   */
  public java.time.Duration retryAfter() {
    return retryAfter;
  }

  OpenAiException withRetryAfter(java.time.Duration wait) {
    this.retryAfter = wait;
    return this;
  }

  /** The generated text received before the failure ({@code ""} when none). */
  public String partialText() {
    return partialText;
  }
}
