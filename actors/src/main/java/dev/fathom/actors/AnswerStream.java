package dev.fathom.actors;

/**
 * Receives an answer's text while it is generated. Called on the answerer's thread (the blocking
 * dispatcher), so implementations must be thread-safe and quick — hand the text to a queue or a
 * stream, never block on a slow client for long.
 */
@FunctionalInterface
public interface AnswerStream {
  /** Streams nowhere; the answer arrives only in the final result. */
  AnswerStream NONE = text -> {};

  void text(String piece);
}
