package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Deterministic "no duplicate" checks for the serve ITs, instead of sleeping and hoping: first wait
 * until the question group has committed every question on the topic (the answer and the question
 * offset commit in one transaction, so after this no further answer can appear), then read the
 * answers topic with {@code read_committed} until the position reaches the end offsets taken after
 * that point.
 */
final class CommittedRead {

  private CommittedRead() {}

  /**
   * Waits until {@code groupId} has committed offsets at the end of every {@code topic} partition.
   */
  static void awaitConsumed(String bootstrap, String groupId, String topic, Duration timeout)
      throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      Map<TopicPartition, Long> ends = null;
      Map<TopicPartition, OffsetAndMetadata> committed = null;
      while (System.nanoTime() < deadline) {
        List<TopicPartition> parts = new ArrayList<>();
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get()
            .get(topic)
            .partitions()
            .forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        for (TopicPartition tp : parts) latest.put(tp, OffsetSpec.latest());
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> info =
            admin
                .listOffsets(
                    latest,
                    new org.apache.kafka.clients.admin.ListOffsetsOptions(
                        IsolationLevel.READ_COMMITTED))
                .all()
                .get();
        ends = new java.util.HashMap<>();
        for (var e : info.entrySet()) ends.put(e.getKey(), e.getValue().offset());
        committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        boolean done = true;
        for (TopicPartition tp : parts) {
          long end = ends.get(tp);
          OffsetAndMetadata c = committed.get(tp);
          if (end > 0 && (c == null || c.offset() < end)) done = false;
        }
        if (done) return;
        Thread.sleep(100); // polling a condition, not waiting a fixed time
      }
      fail(
          "group "
              + groupId
              + " did not commit to the end of "
              + topic
              + " within "
              + timeout
              + ": ends "
              + ends
              + ", committed "
              + committed);
    }
  }

  /** Every committed record of {@code topic}, read until the end offsets taken now. */
  static List<ConsumerRecord<byte[], byte[]>> readToEnd(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    // Only committed answers count; aborted ones are the transactions that were retried.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo i : c.partitionsFor(topic)) {
        parts.add(new TopicPartition(topic, i.partition()));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      // With read_committed these are the last stable offsets: everything committed so far.
      Map<TopicPartition, Long> ends = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (true) {
        boolean atEnd = true;
        for (TopicPartition tp : parts) if (c.position(tp) < ends.get(tp)) atEnd = false;
        if (atEnd) return out;
        if (System.nanoTime() > deadline) fail("could not read " + topic + " to " + ends);
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) out.add(r);
      }
    }
  }
}
