package dev.fathom.drafters.lm;

import dev.fathom.drafters.tokenizer.ChatMessage;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LanguageModel} on a server that is sometimes busy: requests the server answers with 429
 * or 5xx are tried again after an exponentially growing wait (Resilience4j's {@link Retry}), as
 * {@link RetryPolicy} says, or as long as the server's {@code Retry-After} asks (capped at the
 * policy's largest backoff). What is never retried: a request whose text had begun to stream (the
 * listener has it), a refused connection and a timeout (the server is down or stuck; the error says
 * so at once), and other 4xx answers (the request is wrong).
 *
 * <p>When the tries run out the last failure is thrown with the number of tries in its message, so
 * the user reads one line: what the server said and that it was tried N times.
 */
public final class RetryingLanguageModel implements LanguageModel {

  private static final Logger log = LoggerFactory.getLogger(RetryingLanguageModel.class);

  private final LanguageModel model;
  private final RetryPolicy policy;
  private final Retry retry;

  public RetryingLanguageModel(LanguageModel model, RetryPolicy policy) {
    this.model = Objects.requireNonNull(model, "model");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.retry =
        Retry.of(
            "llm-" + model.name(),
            RetryConfig.custom()
                .maxAttempts(policy.maxAttempts())
                .intervalBiFunction(wait(policy))
                .retryOnException(RetryPolicy::retryable)
                .build());
    retry
        .getEventPublisher()
        .onRetry(
            e ->
                log.warn(
                    "{}: try {} of {} failed ({}); trying again in {} ms",
                    model.name(),
                    e.getNumberOfRetryAttempts(),
                    policy.maxAttempts(),
                    e.getLastThrowable().getMessage(),
                    e.getWaitInterval().toMillis()));
  }

  /**
   * The wait before try {@code n + 1}: what the server's {@code Retry-After} asked for, when it
   * said, else the exponential backoff; never more than the policy's largest backoff.
   */
  private static IntervalBiFunction<Object> wait(RetryPolicy policy) {
    IntervalFunction backoff =
        IntervalFunction.ofExponentialBackoff(policy.initialBackoff(), 2.0, policy.maxBackoff());
    return (attempt, outcome) -> {
      if (outcome.isLeft()
          && outcome.getLeft() instanceof OpenAiException e
          && e.retryAfter() != null) {
        return Math.min(e.retryAfter().toMillis(), policy.maxBackoff().toMillis());
      }
      return backoff.apply(attempt);
    };
  }

  /** The model whose requests are retried. */
  public LanguageModel model() {
    return model;
  }

  public RetryPolicy policy() {
    return policy;
  }

  @Override
  public String name() {
    return model.name();
  }

  @Override
  public int contextLength() {
    return model.contextLength();
  }

  @Override
  public Generation complete(String prompt, GenerationSettings settings, TokenListener listener) {
    return call(() -> model.complete(prompt, settings, listener));
  }

  @Override
  public Generation chat(
      List<ChatMessage> messages, GenerationSettings settings, TokenListener listener) {
    return call(() -> model.chat(messages, settings, listener));
  }

  private Generation call(Supplier<Generation> request) {
    int[] tries = {0};
    try {
      return Retry.decorateSupplier(
              retry,
              () -> {
                tries[0]++;
                return request.get();
              })
          .get();
    } catch (OpenAiException e) {
      if (tries[0] < 2 || !e.partialText().isEmpty()) throw e;
      throw new OpenAiException(
          e.getMessage() + " (tried " + tries[0] + " times)", e.status(), e.partialText(), e);
    }
  }

  @Override
  public void close() {
    model.close();
  }
}
