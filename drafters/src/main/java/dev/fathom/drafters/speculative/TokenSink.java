package dev.fathom.drafters.speculative;

/**
 * Receives each committed token in order; returns false to stop generation (e.g. a stop string).
 */
@FunctionalInterface
public interface TokenSink {
  boolean accept(int token);
}
