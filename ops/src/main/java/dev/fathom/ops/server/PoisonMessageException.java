package dev.fathom.ops.server;

/**
 * A record that can never be handled, however often it is retried (bad JSON, a missing field,
 * invalid UTF-8, too large): it goes to the dead-letter topic with this message as the reason.
 */
public final class PoisonMessageException extends RuntimeException {
  public PoisonMessageException(String message) {
    super(message);
  }
}
