package dev.fathom.actors;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/**
 * How the ranking stage runs; defaults and documentation in {@code reference.conf} under {@code
 * fathom.rerank}.
 *
 * @param parallelism routees of the ranker router: cap on rankings in flight, 1..{@value
 *     PipelineSettings#MAX_PARALLELISM}
 * @param timeout the ranking stage's own budget within the question's: past it the question goes on
 *     with the retrieval order; 1 ms..1 h
 */
public record RankingSettings(int parallelism, Duration timeout) {

  public RankingSettings {
    if (parallelism < 1 || parallelism > PipelineSettings.MAX_PARALLELISM) {
      throw new IllegalArgumentException(
          "fathom.rerank.parallelism must be in 1.."
              + PipelineSettings.MAX_PARALLELISM
              + ", got "
              + parallelism);
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.toMillis() < 1 || timeout.compareTo(PipelineSettings.MAX_QUESTION_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          "fathom.rerank.timeout must be in 1ms.."
              + PipelineSettings.MAX_QUESTION_TIMEOUT
              + ", got "
              + timeout);
    }
  }

  /** Two rankings in flight, 2 s each. */
  public static RankingSettings defaults() {
    return new RankingSettings(2, Duration.ofSeconds(2));
  }

  /** Reads {@code fathom.rerank} from {@code config} (reference.conf supplies every default). */
  public static RankingSettings fromConfig(Config config) {
    Config c = config.getConfig("fathom.rerank");
    return new RankingSettings(c.getInt("parallelism"), c.getDuration("timeout"));
  }
}
