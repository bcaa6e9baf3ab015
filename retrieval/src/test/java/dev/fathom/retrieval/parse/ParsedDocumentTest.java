package dev.fathom.retrieval.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ParsedDocumentTest {

  @Test
  void blankTitleIsRejectedAndNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> new ParsedDocument("  ", "text"));
    assertEquals("title must not be blank, got \"  \"", e.getMessage());
  }

  @Test
  void nullsAreRejected() {
    assertThrows(NullPointerException.class, () -> new ParsedDocument(null, "text"));
    assertThrows(NullPointerException.class, () -> new ParsedDocument("T", null));
  }
}
