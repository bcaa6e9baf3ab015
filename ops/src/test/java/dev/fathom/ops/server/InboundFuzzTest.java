package dev.fathom.ops.server;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the document JSON of {@code POST /v1/documents} and {@code fathom.documents}: every value
 * parses to a document (text, path or deletion) or is refused with a {@link
 * PoisonMessageException}, which the document stream turns into a dead letter. Any other exception
 * would stop the stream on one record. Seeds in {@code InboundFuzzTestInputs/<method>/}.
 */
class InboundFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void documentParsesOrRejects(byte[] value) {
    try {
      Inbound.DocumentMessage d = Inbound.document(value, 64 * 1024);
      if (d.id() == null || d.id().isBlank()) throw new AssertionError("accepted a blank id");
      if (!d.deleted() && d.text() == null && d.path() == null) {
        throw new AssertionError("accepted a document with neither text nor path");
      }
    } catch (PoisonMessageException expected) {
      // a dead letter naming what is wrong
    }
  }
}
