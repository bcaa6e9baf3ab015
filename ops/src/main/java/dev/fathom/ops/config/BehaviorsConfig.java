package dev.fathom.ops.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.fathom.behaviors.BehaviorModule;
import dev.fathom.behaviors.handbook.Handbook;
import dev.fathom.behaviors.prompt.DefaultBehaviorLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code fathom.behaviors} of the configuration: the behavior handbook (docs/behaviors.md) and its
 * topics in serve mode.
 *
 * @param enabled whether answers written by a language model use the handbook and record traces
 *     (the extractive path never does)
 * @param maxBehaviors most behaviors offered per answer (the paper's K = 40), 1..1000
 * @param contextShare share of the answer model's context the behaviors may take, (0, 0.5]
 * @param minSimilarity behaviors less similar to the question are not offered, -1..1 (-1: off)
 * @param mergeSimilarity instruction similarity at which behaviors merge, (0, 1]
 * @param promptsDir directory of prompt overrides, or null
 * @param timeout the most the behavior stage may take before the answer goes ahead without
 * @param parallelism behavior stage calls in flight, 1..1024
 * @param tracesTopic topic of answer traces (serve mode)
 * @param behaviorsTopic compacted topic of the shared handbook (serve mode)
 * @param feedbackTopic topic of feedback on answers (serve mode)
 */
public record BehaviorsConfig(
    boolean enabled,
    int maxBehaviors,
    double contextShare,
    double minSimilarity,
    double mergeSimilarity,
    Path promptsDir,
    Duration timeout,
    int parallelism,
    String tracesTopic,
    String behaviorsTopic,
    String feedbackTopic) {

  public BehaviorsConfig {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException(
          "fathom.behaviors.timeout must be at least 1ms, got " + timeout);
    }
    if (parallelism < 1 || parallelism > 1024) {
      throw new IllegalArgumentException(
          "fathom.behaviors.parallelism must be in 1..1024, got " + parallelism);
    }
    if (promptsDir != null && !Files.isDirectory(promptsDir)) {
      throw new IllegalArgumentException(
          "fathom.behaviors.prompts-dir must be a directory, got " + promptsDir);
    }
    // The library and handbook records check their own ranges; build them once to fail early.
    new DefaultBehaviorLibrary.Settings(maxBehaviors, contextShare, 1024, minSimilarity, null);
    new Handbook.Settings(mergeSimilarity);
  }

  /** Reads {@code fathom.behaviors} and the behavior topics of {@code fathom.kafka.topics}. */
  public static BehaviorsConfig from(Config config) {
    try {
      Config b = config.getConfig("fathom.behaviors");
      Config t = config.getConfig("fathom.kafka.topics");
      String prompts = b.getString("prompts-dir").strip();
      return new BehaviorsConfig(
          b.getBoolean("enabled"),
          b.getInt("max-behaviors"),
          b.getDouble("context-share"),
          b.getDouble("min-similarity"),
          b.getDouble("merge-similarity"),
          prompts.isEmpty() ? null : Path.of(prompts),
          b.getDuration("timeout"),
          b.getInt("parallelism"),
          t.getString("traces"),
          t.getString("behaviors"),
          t.getString("feedback"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("configuration: " + e.getMessage(), e);
    }
  }

  /** The module settings for {@code dataDir} and an answer model of {@code contextTokens}. */
  public BehaviorModule.Settings module(Path dataDir, int contextTokens) {
    return new BehaviorModule.Settings(
        dataDir,
        promptsDir,
        new Handbook.Settings(mergeSimilarity),
        new DefaultBehaviorLibrary.Settings(
            maxBehaviors, contextShare, Math.max(1, contextTokens), minSimilarity, promptsDir));
  }
}
