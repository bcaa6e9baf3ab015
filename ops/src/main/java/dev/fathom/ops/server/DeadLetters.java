package dev.fathom.ops.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Records for {@code fathom.dead-letters}: the original key and value bytes, untouched, with the
 * original headers and these added: {@value #TOPIC}, {@value #PARTITION}, {@value #OFFSET}, {@value
 * #ERROR} (all UTF-8 text).
 *
 * <p><b>Size.</b> A dead letter is never larger than {@link #MAX_RECORD_BYTES}, safely under the
 * dead-letter topic's {@code max.message.bytes} ({@link TopicSetup#MAX_MESSAGE_BYTES}): the
 * original value was at most that large, and the headers added to it could push it over, and a
 * record the topic refuses puts the answer transaction into an error state that stalls every
 * question behind it on the partition (issue 10, finding 4). When the whole would not fit, the
 * original headers are dropped first (if large), then the key and the value are cut to what fits,
 * and header {@value #TRUNCATED} says what was cut and how large it was.
 */
public final class DeadLetters {

  public static final String TOPIC = "fathom.source.topic";
  public static final String PARTITION = "fathom.source.partition";
  public static final String OFFSET = "fathom.source.offset";
  public static final String ERROR = "fathom.error";

  /** Present only when something was cut: e.g. {@code value: 16777000 bytes, kept 16711000}. */
  public static final String TRUNCATED = "fathom.truncated";

  /**
   * The largest dead letter (key + value + headers): the topic's limit less 64 KiB for the record
   * batch framing and the varints, which are far smaller.
   */
  static final int MAX_RECORD_BYTES = TopicSetup.MAX_MESSAGE_BYTES - (64 << 10);

  /** Original headers larger than this together are dropped when the record must be cut. */
  private static final int MAX_ORIGINAL_HEADER_BYTES = 64 << 10;

  /** Keys longer than this are cut when the record must be cut. */
  private static final int MAX_KEY_BYTES = 64 << 10;

  /** The reason is a message, not a payload. */
  private static final int MAX_ERROR_CHARS = 4096;

  private DeadLetters() {}

  static ProducerRecord<byte[], byte[]> of(
      String deadLetterTopic, ConsumerRecord<byte[], byte[]> r, String error) {
    return of(deadLetterTopic, r, error, MAX_RECORD_BYTES);
  }

  /** As {@link #of(String, ConsumerRecord, String)} with another size limit (for tests). */
  static ProducerRecord<byte[], byte[]> of(
      String deadLetterTopic, ConsumerRecord<byte[], byte[]> r, String error, int maxBytes) {
    String reason = error == null ? "(no message)" : error;
    if (reason.length() > MAX_ERROR_CHARS) {
      reason = reason.substring(0, MAX_ERROR_CHARS) + "... (cut)";
    }
    RecordHeaders ours = new RecordHeaders();
    ours.add(TOPIC, utf8(r.topic()));
    ours.add(PARTITION, utf8(Integer.toString(r.partition())));
    ours.add(OFFSET, utf8(Long.toString(r.offset())));
    ours.add(ERROR, utf8(reason));
    Header[] original = r.headers().toArray();
    byte[] key = r.key();
    byte[] value = r.value();
    int total = size(ours.toArray()) + size(original) + length(key) + length(value);
    if (total <= maxBytes) return record(deadLetterTopic, original, ours, key, value);

    // Too large: cut, in this order, what matters least for finding and replaying the record.
    List<String> cuts = new ArrayList<>();
    int budget = maxBytes - size(ours.toArray()) - 256; // room for the truncation header itself
    if (size(original) > MAX_ORIGINAL_HEADER_BYTES) {
      cuts.add(
          "headers: "
              + original.length
              + " original headers of "
              + size(original)
              + " bytes dropped");
      original = new Header[0];
    }
    budget -= size(original);
    if (length(key) > Math.min(MAX_KEY_BYTES, Math.max(0, budget))) {
      int kept = Math.min(MAX_KEY_BYTES, Math.max(0, budget));
      cuts.add("key: " + key.length + " bytes, kept the first " + kept);
      key = Arrays.copyOf(key, kept);
    }
    budget -= length(key);
    if (length(value) > Math.max(0, budget)) {
      int kept = Math.max(0, budget);
      cuts.add("value: " + value.length + " bytes, kept the first " + kept);
      value = Arrays.copyOf(value, kept);
    }
    ours.add(TRUNCATED, utf8(String.join("; ", cuts)));
    return record(deadLetterTopic, original, ours, key, value);
  }

  private static ProducerRecord<byte[], byte[]> record(
      String topic, Header[] original, RecordHeaders ours, byte[] key, byte[] value) {
    RecordHeaders h = new RecordHeaders();
    for (Header o : original) h.add(o);
    for (Header o : ours) h.add(o);
    return new ProducerRecord<>(topic, null, key, value, h);
  }

  /** Bytes of {@code headers} as counted against a record's size (keys and values). */
  static int size(Header[] headers) {
    long n = 0;
    for (Header h : headers) {
      n += h.key().getBytes(StandardCharsets.UTF_8).length + length(h.value()) + 10;
    }
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  private static int length(byte[] b) {
    return b == null ? 0 : b.length;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
