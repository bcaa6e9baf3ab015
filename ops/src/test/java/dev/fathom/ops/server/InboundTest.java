package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InboundTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String poison(Runnable r) {
    return assertThrows(PoisonMessageException.class, r::run).getMessage();
  }

  @Test
  void badDocumentValuesArePoisonWithTheReason() {
    assertTrue(poison(() -> Inbound.document(null, 100)).contains("empty"));
    assertTrue(poison(() -> Inbound.document(utf8("{oops"), 100)).contains("not JSON"));
    assertTrue(
        poison(() -> Inbound.document(new byte[] {'{', (byte) 0xFF, '}'}, 100))
            .contains("not valid UTF-8"));
    assertTrue(poison(() -> Inbound.document(new byte[101], 100)).contains("101 bytes"));
    assertTrue(
        poison(() -> Inbound.document(utf8("{\"id\":7,\"text\":\"t\"}"), 100))
            .contains("\"id\" is not a string"));
  }

  @Test
  void aDocumentIsIndexedOrDeleted() {
    assertEquals(
        new Inbound.DocumentMessage("d", "T", "text", null, false),
        Inbound.document(utf8("{\"id\":\"d\",\"title\":\"T\",\"text\":\"text\"}"), 100));
    assertEquals(
        "d",
        Inbound.document(utf8("{\"id\":\"d\",\"text\":\"text\"}"), 100).title(),
        "title defaults to id");
    assertTrue(Inbound.document(utf8("{\"id\":\"d\",\"deleted\":true}"), 100).deleted());
    assertTrue(
        poison(() -> Inbound.document(utf8("{\"id\":\"d\"}"), 100))
            .contains("\"text\" is missing"));
  }

  @Test
  void aDocumentCanBeAFileTheServerReads() {
    assertEquals(
        new Inbound.DocumentMessage("d", null, null, "/srv/docs/a.md", false),
        Inbound.document(utf8("{\"id\":\"d\",\"path\":\"/srv/docs/a.md\"}"), 100));
    assertEquals(
        "T",
        Inbound.document(utf8("{\"id\":\"d\",\"path\":\"a.md\",\"title\":\"T\"}"), 100).title());
    assertTrue(
        poison(() -> Inbound.document(utf8("{\"id\":\"d\",\"path\":\" \"}"), 100))
            .contains("\"path\" is blank"));
  }
}
