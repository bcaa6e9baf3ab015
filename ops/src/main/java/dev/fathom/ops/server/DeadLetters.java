package dev.fathom.ops.server;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Records for {@code fathom.dead-letters}: the original key and value bytes, untouched, with the
 * original headers and these added: {@value #TOPIC}, {@value #PARTITION}, {@value #OFFSET}, {@value
 * #ERROR} (all UTF-8 text).
 */
public final class DeadLetters {

  public static final String TOPIC = "fathom.source.topic";
  public static final String PARTITION = "fathom.source.partition";
  public static final String OFFSET = "fathom.source.offset";
  public static final String ERROR = "fathom.error";

  private DeadLetters() {}

  static ProducerRecord<byte[], byte[]> of(
      String deadLetterTopic, ConsumerRecord<byte[], byte[]> r, String error) {
    RecordHeaders h = new RecordHeaders();
    for (Header original : r.headers()) h.add(original);
    h.add(TOPIC, utf8(r.topic()));
    h.add(PARTITION, utf8(Integer.toString(r.partition())));
    h.add(OFFSET, utf8(Long.toString(r.offset())));
    h.add(ERROR, utf8(error));
    return new ProducerRecord<>(deadLetterTopic, null, r.key(), r.value(), h);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
