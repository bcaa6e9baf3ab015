package dev.fathom.retrieval.index;

import java.util.Objects;

/**
 * One partition of a document stream (a Kafka topic-partition, without depending on Kafka), whose
 * applied offset the index records in its commits so a lost index can be rebuilt by re-reading the
 * stream from there — or from the beginning when the index is new.
 */
public record StreamPartition(String topic, int partition) {
  public StreamPartition {
    Objects.requireNonNull(topic, "topic");
    if (topic.isEmpty() || topic.indexOf(':') >= 0) {
      throw new IllegalArgumentException(
          "topic must be non-empty and contain no ':' (Kafka topic names cannot), got '"
              + topic
              + "'");
    }
    if (partition < 0)
      throw new IllegalArgumentException("partition must be >= 0, got " + partition);
  }

  String userDataKey() {
    return IndexSchema.USER_DATA_OFFSET_PREFIX + topic + ":" + partition;
  }

  /** Parses a user-data key written by {@link #userDataKey()}; null for any other key. */
  static StreamPartition fromUserDataKey(String key) {
    if (!key.startsWith(IndexSchema.USER_DATA_OFFSET_PREFIX)) return null;
    String rest = key.substring(IndexSchema.USER_DATA_OFFSET_PREFIX.length());
    int colon = rest.lastIndexOf(':');
    if (colon <= 0) return null;
    try {
      return new StreamPartition(
          rest.substring(0, colon), Integer.parseInt(rest.substring(colon + 1)));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
