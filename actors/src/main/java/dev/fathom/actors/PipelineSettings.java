package dev.fathom.actors;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/**
 * How the pipeline runs; defaults and documentation in {@code reference.conf} under {@code
 * fathom.actors}.
 *
 * @param retrieverParallelism routees of the retriever router: cap on searches in flight
 * @param compressorParallelism routees of the compressor router: cap on compressions in flight
 * @param answererParallelism routees of the answerer router: cap on answers in flight
 * @param questionTimeout wall-clock budget for one question, all stages together
 */
public record PipelineSettings(
    int retrieverParallelism,
    int compressorParallelism,
    int answererParallelism,
    Duration questionTimeout) {

  public static final int MAX_PARALLELISM = 1024;
  public static final Duration MAX_QUESTION_TIMEOUT = Duration.ofHours(1);

  public PipelineSettings {
    checkParallelism("retrieverParallelism", retrieverParallelism);
    checkParallelism("compressorParallelism", compressorParallelism);
    checkParallelism("answererParallelism", answererParallelism);
    Objects.requireNonNull(questionTimeout, "questionTimeout");
    if (questionTimeout.toMillis() < 1 || questionTimeout.compareTo(MAX_QUESTION_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          "questionTimeout must be in 1ms.." + MAX_QUESTION_TIMEOUT + ", got " + questionTimeout);
    }
  }

  /** Reads {@code fathom.actors} from {@code config} (reference.conf supplies every default). */
  public static PipelineSettings fromConfig(Config config) {
    Config c = config.getConfig("fathom.actors");
    return new PipelineSettings(
        c.getInt("retriever-parallelism"),
        c.getInt("compressor-parallelism"),
        c.getInt("answerer-parallelism"),
        c.getDuration("question-timeout"));
  }

  private static void checkParallelism(String name, int value) {
    if (value < 1 || value > MAX_PARALLELISM) {
      throw new IllegalArgumentException(
          name + " must be in 1.." + MAX_PARALLELISM + ", got " + value);
    }
  }
}
