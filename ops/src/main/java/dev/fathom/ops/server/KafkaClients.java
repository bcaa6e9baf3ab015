package dev.fathom.ops.server;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every Kafka client of {@code fathom serve}, built and closed in one place: the document and
 * question consumers, the transactional answer producer, the answer-stream, dead-letter and
 * document producers. Each property is set on its own line with the reason it has that value.
 */
final class KafkaClients {

  private static final Logger log = LoggerFactory.getLogger(KafkaClients.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  /** Dead letters carry the original value, which may be as large as the consumer fetched. */
  private static final int MAX_REQUEST_BYTES = 16 << 20;

  private KafkaClients() {}

  // ---- consumers ----

  /**
   * The consumer of {@code fathom.documents}: one group per serve process ({@code groupId}), so
   * every process indexes every document; at least once (see {@link DocumentStream}).
   */
  static KafkaConsumer<byte[], byte[]> documentConsumer(String bootstrap, String groupId) {
    Properties p = consumerBase(bootstrap);
    // One group per serve process: every process indexes every document.
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    // Static membership: after a crash the restarted process is the same member, so it does not
    // wait for the dead one's session to expire before it gets the partitions back.
    p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupId);
    // A new process builds its index from the whole (compacted) topic.
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // One batch is embedded and committed together; 64 documents keep a batch to a few seconds.
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "64");
    return new KafkaConsumer<>(p);
  }

  /**
   * The consumer of {@code fathom.questions}: all serve processes share its partitions; offsets are
   * committed inside the answer transaction (see {@link QuestionStream}).
   */
  static KafkaConsumer<byte[], byte[]> questionConsumer(
      String bootstrap, String nodeId, KafkaSettings s, Duration questionTimeout) {
    Properties p = consumerBase(bootstrap);
    // All serve processes share the question partitions.
    p.put(ConsumerConfig.GROUP_ID_CONFIG, s.groupId());
    // Static membership (KIP-345): a serve process restarted after a crash takes its partitions
    // back at once instead of waiting for the dead member's session to expire, and a zombie with
    // the same node id is fenced (FencedInstanceIdException, fatal).
    p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "fathom-" + nodeId);
    // A new group starts with the oldest question: none is lost because the server started late.
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // The cap on questions in flight: one poll is answered as one transaction.
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(s.maxInFlight()));
    // A turn lasts at most the question timeout plus the commit; with a language model serialising
    // answers, up to max-in-flight question timeouts; past this the group would consider the
    // member dead and rebalance. At least 5 minutes.
    long turn = questionTimeout.toMillis() * Math.min(s.maxInFlight(), 1000) + 60_000;
    p.put(
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
        Long.toString(Math.min(Integer.MAX_VALUE, Math.max(300_000, turn))));
    return new KafkaConsumer<>(p);
  }

  /**
   * The reader of the shared handbook ({@code fathom.behaviors}): no group and no commits, since
   * every start reads the compacted topic from the beginning into the node's handbook.
   */
  static KafkaConsumer<byte[], byte[]> handbookConsumer(String bootstrap) {
    // Partitions are assigned by hand and read from the beginning on every start (see
    // HandbookStream): no group id, so nothing is committed. Behaviors are sent without
    // transactions, so read_committed (consumerBase) sees each at once.
    return new KafkaConsumer<>(consumerBase(bootstrap));
  }

  /**
   * The curator's consumer of {@code fathom.traces} and {@code fathom.feedback}: one group for the
   * whole cluster ({@code groupId}), so each trace is curated once; offsets are committed after the
   * behaviors it gave are on {@code fathom.behaviors} (at least once: a crash may curate a trace
   * again, and merging by name makes that harmless).
   */
  static KafkaConsumer<byte[], byte[]> curationConsumer(String bootstrap, String groupId) {
    Properties p = consumerBase(bootstrap);
    // Shared by every serve process: each trace is curated by one of them.
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    // A new cluster curates the traces written before its curator started.
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // One trace takes two strategist generations (seconds to minutes on a CPU): poll few at a time.
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "4");
    // Four traces of two generations each may take a while on a CPU; past this the group would
    // consider the curator dead and rebalance.
    p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Integer.toString(30 * 60_000));
    return new KafkaConsumer<>(p);
  }

  private static Properties consumerBase(String bootstrap) {
    // SASL/TLS settings of this cluster: Fathom's credentials (secured embedded broker) or
    // fathom.kafka.client-properties (an external cluster).
    Properties p = ClientProperties.addTo(bootstrap, new Properties());
    // The embedded broker's address, or fathom.kafka.bootstrap-servers.
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    // Offsets are committed by Fathom only: after the index commit (documents) or inside the
    // answer transaction (questions), never on a timer.
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Records from an aborted transaction must never be indexed or answered.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Bytes: Fathom checks values itself (size, UTF-8, JSON), so a bad one becomes a dead letter
    // instead of a deserializer exception that would stop the partition.
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  // ---- producers ----

  /**
   * The transactional producer of answers (and question dead letters), whose transactions also
   * commit the question offsets: exactly once from question to answer.
   */
  static KafkaProducer<byte[], byte[]> answerProducer(String bootstrap, String transactionalId) {
    Properties p = producerBase(bootstrap);
    // Stable per serve process (kept in the data directory): a restarted process fences the
    // transactions its predecessor left open.
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    // Answers are sent in bursts of up to max-in-flight at the end of a turn; no need to linger.
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    // Dead letters carry the original value, which may be as large as the consumer fetched.
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_REQUEST_BYTES));
    return new KafkaProducer<>(p);
  }

  /** The producer of answer pieces while they are generated ({@code fathom.answer-stream}). */
  static KafkaProducer<byte[], byte[]> answerStreamProducer(String bootstrap) {
    Properties p = producerBase(bootstrap);
    // Not transactional: pieces must be readable while the answer is generated, long before the
    // answer's transaction commits. Idempotence (producerBase) still keeps retries from
    // duplicating a piece.
    // Tokens arrive every few milliseconds: a short linger batches them without visible delay.
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(p);
  }

  /** The producer of document dead letters, flushed before the document offsets commit. */
  static KafkaProducer<byte[], byte[]> deadLetterProducer(String bootstrap) {
    Properties p = producerBase(bootstrap);
    // Dead letters carry the original value, which may be as large as the consumer fetched.
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_REQUEST_BYTES));
    return new KafkaProducer<>(p);
  }

  /** The producer behind {@code POST /v1/documents}: "accepted" means durable on the topic. */
  static KafkaProducer<byte[], byte[]> documentProducer(String bootstrap) {
    Properties p = producerBase(bootstrap);
    // A document body may be as large as the topic accepts.
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(TopicSetup.MAX_MESSAGE_BYTES));
    return new KafkaProducer<>(p);
  }

  /**
   * The producer of the behavior loop: traces ({@code fathom.traces}), behaviors ({@code
   * fathom.behaviors}) and feedback ({@code fathom.feedback}). Not transactional: a trace is sent
   * after its answer was given, and behaviors are idempotent records keyed by name.
   */
  static KafkaProducer<byte[], byte[]> behaviorProducer(String bootstrap) {
    Properties p = producerBase(bootstrap);
    // Traces follow answers one by one: a short linger batches a burst without visible delay.
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(p);
  }

  private static Properties producerBase(String bootstrap) {
    // SASL/TLS settings of this cluster, as for consumers.
    Properties p = ClientProperties.addTo(bootstrap, new Properties());
    // The embedded broker's address, or fathom.kafka.bootstrap-servers.
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    // No duplicates (or reordered versions of a document) from the producer's own retries;
    // required by transactions.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    // A sent record is durable: all in-sync replicas have it.
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    // Keys and values are bytes: Fathom writes the JSON itself; dead letters are copied as-is.
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  // ---- lifecycle ----

  /** Subscribes {@code consumer} to {@code topic}; {@code assigned} turns true with partitions. */
  static void subscribe(
      KafkaConsumer<byte[], byte[]> consumer, String topic, AtomicBoolean assigned) {
    consumer.subscribe(
        List.of(topic),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned.set(true);
          }
        });
  }

  /**
   * Closes a static member, leaving the group: a static member stays in the group on close unless
   * told otherwise, and on a clean stop the other serve processes should take over its partitions
   * at once.
   */
  static void leaveAndClose(KafkaConsumer<?, ?> consumer, String what) {
    try {
      consumer.close(
          CloseOptions.timeout(CLOSE_TIMEOUT)
              .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    } catch (RuntimeException e) {
      log.warn("closing the {}: {}", what, e.toString());
    }
  }

  /** Closes a producer, sending what it holds for up to ten seconds; logs a failure. */
  static void close(KafkaProducer<?, ?> producer, String what) {
    try {
      producer.close(CLOSE_TIMEOUT);
    } catch (RuntimeException e) {
      log.warn("closing the {}: {}", what, e.toString());
    }
  }
}
