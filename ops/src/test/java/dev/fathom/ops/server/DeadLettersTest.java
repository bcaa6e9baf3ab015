package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

  private static final int LIMIT = 2000;

  @Test
  void aSmallRecordKeepsItsKeyValueAndHeaders() {
    ConsumerRecord<byte[], byte[]> r = record(new byte[10], new byte[100]);
    r.headers().add("trace", new byte[] {1});
    ProducerRecord<byte[], byte[]> d = DeadLetters.of("dead", r, "bad JSON", LIMIT);
    assertEquals(100, d.value().length);
    assertEquals(10, d.key().length);
    assertNotNull(d.headers().lastHeader("trace"));
    assertNull(d.headers().lastHeader(DeadLetters.TRUNCATED));
    assertEquals("bad JSON", text(d, DeadLetters.ERROR));
  }

  @Test
  void aValueThatWouldPushTheRecordOverTheLimitIsCutAndSaysSo() {
    // Fits the source topic on its own, not with the dead-letter headers added.
    ProducerRecord<byte[], byte[]> d =
        DeadLetters.of("dead", record(new byte[1], new byte[LIMIT - 20]), "too large", LIMIT);
    assertTrue(size(d) <= LIMIT, "dead letter of " + size(d) + " bytes");
    String cut = text(d, DeadLetters.TRUNCATED);
    assertTrue(cut.startsWith("value: " + (LIMIT - 20) + " bytes, kept the first "), cut);
    assertEquals(1, d.key().length);
  }

  @Test
  void hugeHeadersAKeyAndALongReasonAreCutToo() {
    ConsumerRecord<byte[], byte[]> r = record(new byte[100_000], new byte[100_000]);
    r.headers().add("big", new byte[100_000]);
    int limit = 200_000;
    ProducerRecord<byte[], byte[]> d = DeadLetters.of("dead", r, "e".repeat(10_000), limit);
    assertTrue(size(d) <= limit, "dead letter of " + size(d) + " bytes");
    String cut = text(d, DeadLetters.TRUNCATED);
    assertTrue(cut.contains("headers: 1 original headers"), cut);
    assertTrue(cut.contains("key: 100000 bytes"), cut);
    assertNull(d.headers().lastHeader("big"));
    assertTrue(text(d, DeadLetters.ERROR).length() < 4200);
  }

  private static ConsumerRecord<byte[], byte[]> record(byte[] key, byte[] value) {
    return new ConsumerRecord<>("fathom.questions", 0, 42L, key, value);
  }

  private static int size(ProducerRecord<byte[], byte[]> d) {
    return d.key().length + d.value().length + DeadLetters.size(d.headers().toArray());
  }

  private static String text(ProducerRecord<byte[], byte[]> d, String header) {
    var h = d.headers().lastHeader(header);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
