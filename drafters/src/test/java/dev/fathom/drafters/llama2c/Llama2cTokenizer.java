package dev.fathom.drafters.llama2c;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A llama2.c tokenizer file ({@code tokenizer.bin}, {@code tok512.bin}): an int32 {@code
 * max_token_length}, then per token a float32 score, an int32 length and that many bytes. Decoding
 * follows {@code decode()} in llama2.c's {@code run.c}: the leading space of a piece right after
 * BOS is dropped, and {@code <0xXX>} pieces stand for the raw byte XX.
 *
 * @param maxTokenLength the header's longest piece
 * @param pieces each token's bytes
 * @param scores each token's merge score
 */
public record Llama2cTokenizer(int maxTokenLength, byte[][] pieces, float[] scores) {
  public static final int BOS = 1;
  public static final int EOS = 2;

  public static Llama2cTokenizer read(Path file, int vocabSize) throws IOException {
    if (vocabSize <= 0) {
      throw new IllegalArgumentException("vocabSize is " + vocabSize + "; it must be positive");
    }
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    try {
      int max = b.getInt();
      byte[][] pieces = new byte[vocabSize][];
      float[] scores = new float[vocabSize];
      for (int i = 0; i < vocabSize; i++) {
        scores[i] = b.getFloat();
        int len = b.getInt();
        if (len < 0 || len > b.remaining()) {
          throw new IOException(file + ": token " + i + " claims " + len + " bytes: corrupt");
        }
        pieces[i] = new byte[len];
        b.get(pieces[i]);
      }
      return new Llama2cTokenizer(max, pieces, scores);
    } catch (java.nio.BufferUnderflowException e) {
      throw new IOException(file + ": ends before " + vocabSize + " tokens", e);
    }
  }

  /** The bytes token {@code token} prints after {@code prev}, as run.c's {@code decode}. */
  public byte[] decode(int prev, int token) {
    byte[] piece = pieces[token];
    int start = prev == BOS && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
    String s = new String(piece, StandardCharsets.ISO_8859_1);
    if (s.length() == 6 && s.startsWith("<0x") && s.endsWith(">")) {
      try {
        return new byte[] {(byte) Integer.parseInt(s.substring(3, 5), 16)};
      } catch (NumberFormatException e) {
        // not a byte token after all: print it as text
      }
    }
    return java.util.Arrays.copyOfRange(piece, start, piece.length);
  }

  /** Decodes a sequence (whose first element is usually BOS) to text. */
  public String decode(int[] tokens) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 1; i < tokens.length; i++) {
      out.writeBytes(decode(tokens[i - 1], tokens[i]));
    }
    if (tokens.length > 0 && tokens[0] != BOS) {
      byte[] first = decode(-1, tokens[0]);
      byte[] rest = out.toByteArray();
      out.reset();
      out.writeBytes(first);
      out.writeBytes(rest);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
