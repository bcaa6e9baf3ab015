package dev.fathom.ops.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates Fathom's topics when they are missing; existing topics are left as they are. */
final class TopicSetup {

  /** Largest record batch accepted on the inbound and dead-letter topics. */
  static final int MAX_MESSAGE_BYTES = 16 << 20;

  private TopicSetup() {}

  static void ensure(String bootstrapServers, KafkaSettings s) {
    // SASL/TLS settings of this cluster (see ClientProperties).
    Properties p = ClientProperties.addTo(bootstrapServers, new Properties());
    // The embedded broker's address, or fathom.kafka.bootstrap-servers.
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    // Fail start-up within a minute when the cluster cannot be reached, instead of waiting forever.
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
    try (Admin admin = Admin.create(p)) {
      Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      KafkaSettings.Topics t = s.topics();
      List<NewTopic> missing = new ArrayList<>();
      // Replication factor: the broker's default.replication.factor (1 on the embedded broker).
      Optional<Short> rf = Optional.empty();
      Optional<Integer> n = Optional.of(s.partitions());
      // Inbound topics accept values up to 16 MiB, so that an oversized value reaches Fathom and
      // becomes a dead letter with a reason, instead of failing in the sender's producer; the
      // dead-letter topic must then hold it too. (Fathom itself handles max-value-bytes.)
      String big = Integer.toString(MAX_MESSAGE_BYTES);
      // Documents are keyed by id and only the latest version of each matters: compacted.
      if (!existing.contains(t.documents())) {
        missing.add(
            new NewTopic(t.documents(), n, rf)
                .configs(
                    Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        big)));
      }
      for (String name : List.of(t.questions(), t.deadLetters())) {
        if (!existing.contains(name)) {
          missing.add(
              new NewTopic(name, n, rf).configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, big)));
        }
      }
      for (String name : List.of(t.answers(), t.answerStream())) {
        if (!existing.contains(name)) missing.add(new NewTopic(name, n, rf));
      }
      if (missing.isEmpty()) return;
      try {
        admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        // Another serve process created it first: fine.
        if (!(e.getCause() instanceof TopicExistsException)) throw e;
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot create Fathom's topics on " + bootstrapServers + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  /**
   * Creates the behavior loop's topics when missing (docs/behaviors.md): traces and feedback as
   * plain topics, the shared handbook compacted (key = behavior name, the latest version wins, a
   * null value removes it), so a new node rebuilds the whole handbook from it.
   */
  static void ensureBehaviorTopics(
      String bootstrapServers, KafkaSettings s, dev.fathom.ops.config.BehaviorsConfig b) {
    // SASL/TLS settings of this cluster, as for every other client (see ClientProperties).
    Properties p = ClientProperties.addTo(bootstrapServers, new Properties());
    // The embedded broker's address, or fathom.kafka.bootstrap-servers.
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    // Fail start-up within a minute when the cluster cannot be reached, instead of waiting forever.
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
    try (Admin admin = Admin.create(p)) {
      Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      Optional<Short> rf = Optional.empty();
      Optional<Integer> n = Optional.of(s.partitions());
      List<NewTopic> missing = new ArrayList<>();
      for (String name : List.of(b.tracesTopic(), b.feedbackTopic())) {
        if (!existing.contains(name)) missing.add(new NewTopic(name, n, rf));
      }
      if (!existing.contains(b.behaviorsTopic())) {
        missing.add(
            new NewTopic(b.behaviorsTopic(), n, rf)
                .configs(
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
      }
      if (missing.isEmpty()) return;
      try {
        admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        // Another serve process created it first: fine.
        if (!(e.getCause() instanceof TopicExistsException)) throw e;
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot create the behavior topics on " + bootstrapServers + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
