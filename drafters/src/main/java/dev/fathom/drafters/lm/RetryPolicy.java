package dev.fathom.drafters.lm;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a request to a model server is tried, and how long to wait between tries: waits grow
 * exponentially (doubling) from {@code initialBackoff} up to {@code maxBackoff}, the usual answer
 * to a server that says it is busy (HTTP 429) or failed on its side (5xx).
 *
 * @param maxAttempts tries in all, 1..10 (1 = no retry)
 * @param initialBackoff the wait before the second try, 1 ms..1 min
 * @param maxBackoff the longest wait, at least {@code initialBackoff}, at most 5 min
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

  /** Three tries, waiting 0.5 s then 1 s. */
  public static final RetryPolicy DEFAULTS =
      new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(8));

  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxAttempts < 1 || maxAttempts > 10) {
      throw new IllegalArgumentException("retry attempts must be 1..10, got " + maxAttempts);
    }
    if (initialBackoff.toMillis() < 1 || initialBackoff.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException(
          "the initial retry backoff must be 1ms..1m, got " + initialBackoff);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0
        || maxBackoff.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException(
          "the largest retry backoff must be "
              + initialBackoff
              + "..5m (at least the initial backoff), got "
              + maxBackoff);
    }
  }

  /**
   * Whether a failed request is worth trying again: the server answered 429 (too many requests) or
   * a 5xx status, and no generated text had reached the caller yet (a second try would repeat it).
   * A refused connection, a timeout or a 4xx other than 429 is not retried: trying again would not
   * change the answer, only delay the error.
   */
  public static boolean retryable(Throwable t) {
    return t instanceof OpenAiException e
        && (e.status() == 429 || (e.status() >= 500 && e.status() <= 599))
        && e.partialText().isEmpty();
  }
}
