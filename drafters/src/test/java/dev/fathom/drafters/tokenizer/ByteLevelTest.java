package dev.fathom.drafters.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ByteLevelTest {
  @Test
  void spellsSpaceAndNewlineAsGpt2Does() {
    assertEquals("\u0120", ByteLevel.encode(" "));
    assertEquals("\u010A", ByteLevel.encode("\n"));
    assertEquals("Hello", ByteLevel.encode("Hello"));
    assertEquals("\u00C3\u00A9", ByteLevel.encode("é")); // C3 A9 are printable Latin-1
  }

  @Test
  void isABijectionOnAllBytes() {
    Set<Character> seen = new HashSet<>();
    byte[] all = new byte[256];
    for (int b = 0; b < 256; b++) {
      seen.add(ByteLevel.charOf(b));
      all[b] = (byte) b;
    }
    assertEquals(256, seen.size());
    StringBuilder spelled = new StringBuilder();
    for (int b = 0; b < 256; b++) {
      spelled.append(ByteLevel.charOf(b));
    }
    assertArrayEquals(all, ByteLevel.decode(spelled.toString()));
  }

  @Test
  void decodesUnmappedCharactersAsTheirUtf8() {
    assertArrayEquals("日".getBytes(StandardCharsets.UTF_8), ByteLevel.decode("日"));
  }
}
