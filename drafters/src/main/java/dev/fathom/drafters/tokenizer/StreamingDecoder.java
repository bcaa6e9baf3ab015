package dev.fathom.drafters.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns generated token ids into text one at a time, for printing as they come.
 *
 * <p>A character can span tokens (byte-fallback tokens carry one UTF-8 byte each, and byte-level
 * BPE pieces may end mid-character), so the bytes of an unfinished UTF-8 sequence are held back
 * until its last byte arrives. Special tokens (BOS, EOS, end-of-turn) print nothing. Not thread
 * safe: one decoder per generation.
 */
public final class StreamingDecoder {
  private final Tokenizer tokenizer;
  private boolean dropLeadingSpace;
  private byte[] pending = new byte[0];

  /**
   * @param startsAfterBos true when the first token fed follows BOS directly (no prompt text), so
   *     that the space a SentencePiece tokenizer puts before text is dropped from it; false when
   *     the tokens continue a prompt, whose spaces are real
   */
  public StreamingDecoder(Tokenizer tokenizer, boolean startsAfterBos) {
    this.tokenizer = tokenizer;
    this.dropLeadingSpace = startsAfterBos && tokenizer.addSpacePrefix();
  }

  /** Feeds one token and returns the text it completes (possibly empty). */
  public String accept(int token) {
    if (tokenizer.isSpecial(token)) {
      return "";
    }
    byte[] piece = tokenizer.tokenBytes(token);
    int from = 0;
    if (dropLeadingSpace && piece.length > 0) {
      from = piece[0] == ' ' ? 1 : 0;
      dropLeadingSpace = false;
    }
    byte[] bytes = Arrays.copyOf(pending, pending.length + piece.length - from);
    System.arraycopy(piece, from, bytes, pending.length, piece.length - from);
    int complete = completePrefix(bytes);
    pending = Arrays.copyOfRange(bytes, complete, bytes.length);
    return new String(bytes, 0, complete, StandardCharsets.UTF_8);
  }

  /** Returns whatever is held back (an unfinished sequence decodes to U+FFFD) and clears it. */
  public String flush() {
    String rest = new String(pending, StandardCharsets.UTF_8);
    pending = new byte[0];
    return rest;
  }

  /**
   * The length of the longest prefix that does not end inside a UTF-8 sequence (RFC 3629 §3): look
   * back at most three bytes for the lead byte of the last sequence and hold it back if fewer bytes
   * than it announces follow. Malformed bytes are not held: they decode to U+FFFD now.
   */
  static int completePrefix(byte[] bytes) {
    int n = bytes.length;
    for (int back = 1; back <= Math.min(4, n); back++) {
      int b = bytes[n - back] & 0xFF;
      if ((b & 0xC0) == 0x80) {
        continue; // continuation byte: the lead is further back
      }
      int expected =
          b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 1;
      return back < expected ? n - back : n;
    }
    return n;
  }
}
