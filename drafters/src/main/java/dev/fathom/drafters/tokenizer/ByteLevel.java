package dev.fathom.drafters.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * GPT-2's reversible byte-to-character table ({@code bytes_to_unicode} in openai/gpt-2's {@code
 * encoder.py}): byte-level BPE vocabularies spell every byte as one printable character, so a space
 * is {@code Ġ} (U+0120) and a newline {@code Ċ} (U+010A).
 *
 * <p>The printable Latin-1 bytes {@code !..~}, {@code ¡..¬} and {@code ®..ÿ} stand for themselves;
 * the other 68 bytes, in order, take the characters from U+0100 on.
 */
final class ByteLevel {
  private static final char[] BYTE_TO_CHAR = new char[256];
  private static final int[] CHAR_TO_BYTE = new int[256 + 68];

  static {
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    int extra = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      char c = printable ? (char) b : (char) (256 + extra++);
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = b;
    }
  }

  private ByteLevel() {}

  /** The UTF-8 bytes of {@code text}, each spelled as its byte-level character. */
  static String encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    char[] chars = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      chars[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
    }
    return new String(chars);
  }

  /** The character that spells {@code b}. */
  static char charOf(int b) {
    return BYTE_TO_CHAR[b & 0xFF];
  }

  /**
   * The bytes a vocabulary piece spells; a character outside the table (a piece that was not
   * byte-encoded) contributes its own UTF-8.
   */
  static byte[] decode(String piece) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(piece.length());
    for (int i = 0; i < piece.length(); ) {
      int cp = piece.codePointAt(i);
      int b = cp < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[cp] : -1;
      if (b >= 0) {
        out.write(b);
      } else {
        out.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
      }
      i += Character.charCount(cp);
    }
    return out.toByteArray();
  }
}
