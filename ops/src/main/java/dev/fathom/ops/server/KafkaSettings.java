package dev.fathom.ops.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.Objects;

/**
 * {@code fathom.kafka} of the configuration: where the cluster is and what Fathom's topics are
 * called.
 *
 * @param bootstrapServers the cluster to join; blank means "start the embedded broker"
 * @param embeddedPort client port of the embedded broker, 0..65535 (0 = any free port)
 * @param groupId consumer group of the question consumers
 * @param maxInFlight questions answered together in one transaction, 1..10000
 * @param maxValueBytes larger values go to dead letters, 1..100 MiB
 */
public record KafkaSettings(
    String bootstrapServers,
    int embeddedPort,
    String groupId,
    Topics topics,
    int partitions,
    int maxInFlight,
    int maxValueBytes) {

  /** Topic names. */
  public record Topics(
      String documents, String questions, String answers, String deadLetters, String answerStream) {
    public Topics {
      for (String t : new String[] {documents, questions, answers, deadLetters, answerStream}) {
        if (t == null || t.isBlank()) throw new IllegalArgumentException("topic name is blank");
      }
    }
  }

  public KafkaSettings {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topics, "topics");
    if (embeddedPort < 0 || embeddedPort > 65535) {
      throw new IllegalArgumentException("embedded-port must be in 0..65535, got " + embeddedPort);
    }
    if (groupId == null || groupId.isBlank()) {
      throw new IllegalArgumentException("group-id must not be blank");
    }
    if (partitions < 1 || partitions > 10_000) {
      throw new IllegalArgumentException("partitions must be in 1..10000, got " + partitions);
    }
    if (maxInFlight < 1 || maxInFlight > 10_000) {
      throw new IllegalArgumentException("max-in-flight must be in 1..10000, got " + maxInFlight);
    }
    if (maxValueBytes < 1 || maxValueBytes > 100 << 20) {
      throw new IllegalArgumentException(
          "max-value-bytes must be in 1..104857600, got " + maxValueBytes);
    }
  }

  /** Reads {@code fathom.kafka} from {@code config}. */
  public static KafkaSettings fromConfig(Config config) {
    try {
      Config k = config.getConfig("fathom.kafka");
      Config t = k.getConfig("topics");
      return new KafkaSettings(
          k.getString("bootstrap-servers").strip(),
          k.getInt("embedded-port"),
          k.getString("group-id"),
          new Topics(
              t.getString("documents"),
              t.getString("questions"),
              t.getString("answers"),
              t.getString("dead-letters"),
              t.getString("answer-stream")),
          k.getInt("partitions"),
          k.getInt("max-in-flight"),
          (int) Math.min(Integer.MAX_VALUE, k.getBytes("max-value-bytes")));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("configuration: " + e.getMessage(), e);
    }
  }

  /** True when Fathom should start its own broker. */
  public boolean embedded() {
    return bootstrapServers.isBlank();
  }

  public KafkaSettings withBootstrapServers(String servers) {
    return new KafkaSettings(
        servers, embeddedPort, groupId, topics, partitions, maxInFlight, maxValueBytes);
  }

  public KafkaSettings withEmbeddedPort(int port) {
    return new KafkaSettings(
        bootstrapServers, port, groupId, topics, partitions, maxInFlight, maxValueBytes);
  }
}
