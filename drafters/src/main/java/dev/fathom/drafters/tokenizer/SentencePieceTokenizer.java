package dev.fathom.drafters.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * SentencePiece-style BPE as llama.cpp's SPM tokenizer and llama2.c run it ({@code
 * tokenizer.ggml.model = llama}; Llama 1/2, Mistral, TinyLlama, the llama2.c stories models).
 *
 * <p>Encoding: spaces become {@code ▁} (U+2581) and, when {@code add_space_prefix} (the default),
 * one is put before the text; then, from single characters, the adjacent pair whose concatenation
 * is a vocabulary piece with the highest score merges, leftmost first, until none can. A character
 * left that is not a piece falls back to its UTF-8 bytes as {@code <0xXX>} tokens (or UNK where the
 * vocabulary has no byte tokens). Only normal and user-defined pieces take part, so text that
 * spells {@code <s>} or {@code <0x0A>} stays text.
 *
 * <p>Decoding: {@code ▁} becomes a space and byte tokens their byte; {@link #decode} also drops the
 * one space the prefix added.
 */
public final class SentencePieceTokenizer extends VocabularyTokenizer {
  private static final char SPACE_MARK = '\u2581';

  /** Byte value to its {@code <0xXX>} token id, or -1. */
  private final int[] byteTokens = new int[256];

  private final boolean hasByteTokens;

  public SentencePieceTokenizer(Vocabulary vocabulary) {
    super(vocabulary);
    Arrays.fill(byteTokens, -1);
    boolean any = false;
    for (int id = 0; id < vocabulary.size(); id++) {
      int b = Vocabulary.byteValue(vocabulary.token(id));
      if (vocabulary.type(id) == TokenType.BYTE && b >= 0) {
        byteTokens[b] = id;
        any = true;
      }
    }
    this.hasByteTokens = any;
  }

  @Override
  public boolean addSpacePrefix() {
    return vocabulary.addSpacePrefix();
  }

  @Override
  void encodeText(String text, boolean atStart, IntBuffer out) {
    String prefixed = (atStart && vocabulary.addSpacePrefix() ? " " : "") + text;
    String escaped = prefixed.replace(' ', SPACE_MARK);
    int[] starts = BigramMerger.merge(escaped, this::mergeScore);
    for (int i = 0; i < starts.length; i++) {
      int end = i + 1 < starts.length ? starts[i + 1] : escaped.length();
      int id = pieceId(escaped, starts[i], end);
      if (id >= 0) {
        out.add(id);
      } else {
        byteFallback(escaped.substring(starts[i], end), out);
      }
    }
  }

  private double mergeScore(String text, int start, int mid, int end) {
    int id = pieceId(text, start, end);
    return id < 0 ? Double.NaN : vocabulary.score(id);
  }

  /** The id of {@code text[start, end)} if text may turn into it (normal, user-defined), or -1. */
  private int pieceId(String text, int start, int end) {
    int id = vocabulary.id(text, start, end);
    if (id < 0) {
      return -1;
    }
    TokenType type = vocabulary.type(id);
    return type == TokenType.NORMAL || type == TokenType.USER_DEFINED ? id : -1;
  }

  private void byteFallback(String piece, IntBuffer out) {
    if (!hasByteTokens) {
      out.add(unknown(piece));
      return;
    }
    for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
      int id = byteTokens[b & 0xFF];
      out.add(id >= 0 ? id : unknown(piece));
    }
  }

  private int unknown(String piece) {
    if (vocabulary.unk() < 0) {
      throw new UnsupportedOperationException(
          "cannot encode '" + piece + "': it is not in the vocabulary, which has no UNK token");
    }
    return vocabulary.unk();
  }

  @Override
  public byte[] tokenBytes(int token) {
    return switch (vocabulary.type(token)) {
      case NORMAL ->
          vocabulary.token(token).replace(SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8);
      case BYTE -> {
        int b = Vocabulary.byteValue(vocabulary.token(token));
        yield b >= 0 ? new byte[] {(byte) b} : verbatim(token);
      }
      case USER_DEFINED, CONTROL, UNKNOWN, UNUSED -> verbatim(token);
    };
  }
}
