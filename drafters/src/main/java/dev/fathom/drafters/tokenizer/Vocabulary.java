package dev.fathom.drafters.tokenizer;

import dev.fathom.drafters.gguf.GgufMetadata;
import java.util.Optional;

/**
 * A tokenizer's vocabulary as a GGUF file stores it under {@code tokenizer.ggml.*}: one string,
 * score and {@link TokenType} per id, the special ids, the flags that steer encoding and, for
 * byte-level BPE, the merge list. Key names follow llama.cpp's {@code gguf-py/gguf/constants.py}.
 *
 * <p>Everything is checked once here, so the tokenizers can trust it: the parallel arrays have the
 * same length and every special id lies in {@code 0 .. size-1}. A special id stored as {@code
 * 0xFFFFFFFF} (what converters write for "none") or {@code -1} means the vocabulary has none.
 */
public final class Vocabulary {
  private final String model;
  private final String pre;
  private final String[] tokens;
  private final float[] scores;
  private final TokenType[] types;

  /**
   * Open-addressing index of the pieces (slot holds id + 1; 0 is empty), so the merge loop can look
   * up a span of its text without cutting a substring for every candidate pair.
   */
  private final int[] slots;

  /** The full hash of each slot's piece, compared before the characters are. */
  private final int[] slotHashes;

  /** {@code 32 - log2(slots.length)}: Fibonacci hashing takes the top bits of the product. */
  private final int slotShift;

  private final String[] merges;
  private final int bos;
  private final int eos;
  private final int unk;
  private final int pad;
  private final int eot;
  private final int eom;
  private final boolean addBos;
  private final boolean addSpacePrefix;

  private Vocabulary(GgufMetadata m) {
    model = m.getString("tokenizer.ggml.model");
    pre = m.findString("tokenizer.ggml.pre").orElse("default");
    tokens = m.getStringArray("tokenizer.ggml.tokens");
    int n = tokens.length;
    if (n == 0) {
      throw new IllegalArgumentException("tokenizer.ggml.tokens is empty; a vocabulary needs ids");
    }
    scores = m.contains("tokenizer.ggml.scores") ? m.getFloatArray("tokenizer.ggml.scores") : null;
    checkLength("tokenizer.ggml.scores", scores == null ? n : scores.length, n);
    types = readTypes(m, tokens);
    merges = m.contains("tokenizer.ggml.merges") ? m.getStringArray("tokenizer.ggml.merges") : null;
    slots = new int[Integer.highestOneBit(n * 2 - 1) << 1];
    slotHashes = new int[slots.length];
    slotShift = 32 - Integer.numberOfTrailingZeros(slots.length);
    for (int i = 0; i < n; i++) {
      String t = tokens[i];
      int slot = find(t, 0, t.length());
      slots[slot] = i + 1; // a duplicate string maps to its last id, as in llama.cpp
      slotHashes[slot] = t.hashCode();
    }
    bos = optionalId(m, "tokenizer.ggml.bos_token_id", n);
    eos = optionalId(m, "tokenizer.ggml.eos_token_id", n);
    unk = optionalId(m, "tokenizer.ggml.unknown_token_id", n);
    pad = optionalId(m, "tokenizer.ggml.padding_token_id", n);
    eot = optionalId(m, "tokenizer.ggml.eot_token_id", n);
    eom = optionalId(m, "tokenizer.ggml.eom_token_id", n);
    // llama.cpp's defaults when the keys are absent: SentencePiece models start with BOS and get a
    // space prefix; byte-level BPE models do neither unless the file says so.
    boolean spm = model.equals("llama");
    addBos = m.getBoolean("tokenizer.ggml.add_bos_token", spm) && bos >= 0;
    addSpacePrefix = m.getBoolean("tokenizer.ggml.add_space_prefix", spm);
  }

  /** Reads and validates the {@code tokenizer.ggml.*} entries of {@code metadata}. */
  public static Vocabulary fromGguf(GgufMetadata metadata) {
    return new Vocabulary(metadata);
  }

  private static TokenType[] readTypes(GgufMetadata m, String[] tokens) {
    TokenType[] types = new TokenType[tokens.length];
    if (!m.contains("tokenizer.ggml.token_type")) {
      // Old files without types: recognise byte-fallback pieces by their spelling.
      for (int i = 0; i < tokens.length; i++) {
        types[i] = byteValue(tokens[i]) >= 0 ? TokenType.BYTE : TokenType.NORMAL;
      }
      return types;
    }
    int[] codes = m.getIntArray("tokenizer.ggml.token_type");
    checkLength("tokenizer.ggml.token_type", codes.length, tokens.length);
    for (int i = 0; i < codes.length; i++) {
      try {
        types[i] = TokenType.fromCode(codes[i]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "tokenizer.ggml.token_type[" + i + "]: " + e.getMessage(), e);
      }
    }
    return types;
  }

  private static void checkLength(String key, int length, int vocabularySize) {
    if (length != vocabularySize) {
      throw new IllegalArgumentException(
          key
              + " has "
              + length
              + " entries but tokenizer.ggml.tokens has "
              + vocabularySize
              + "; they must have one entry per token");
    }
  }

  private static int optionalId(GgufMetadata m, String key, int vocabularySize) {
    if (!m.contains(key)) {
      return -1;
    }
    long id = m.getLong(key);
    if (id == -1 || id == 0xFFFFFFFFL) {
      return -1;
    }
    if (id < 0 || id >= vocabularySize) {
      throw new IllegalArgumentException(
          key + " must be in 0.." + (vocabularySize - 1) + " (the vocabulary), got " + id);
    }
    return (int) id;
  }

  /** The byte a piece such as {@code <0x0A>} stands for, or -1 if it is not spelled that way. */
  static int byteValue(String piece) {
    if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') {
      return -1;
    }
    int hi = Character.digit(piece.charAt(3), 16);
    int lo = Character.digit(piece.charAt(4), 16);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
  }

  /** {@code tokenizer.ggml.model}: {@code llama} (SentencePiece) or {@code gpt2} (byte BPE). */
  public String model() {
    return model;
  }

  /** {@code tokenizer.ggml.pre}, the pre-tokeniser name; {@code default} when absent. */
  public String pre() {
    return pre;
  }

  public int size() {
    return tokens.length;
  }

  public String token(int id) {
    return tokens[checkId(id)];
  }

  /** The piece's score (SentencePiece log-probability); 0 when the file has no scores. */
  public float score(int id) {
    return scores == null ? 0f : scores[checkId(id)];
  }

  public TokenType type(int id) {
    return types[checkId(id)];
  }

  /** The id of the piece spelled {@code piece}, or -1. */
  public int id(String piece) {
    return id(piece, 0, piece.length());
  }

  /** The id of the piece spelled by {@code text[start, end)}, or -1; allocates nothing. */
  public int id(String text, int start, int end) {
    return slots[find(text, start, end)] - 1;
  }

  /** The slot holding the piece {@code text[start, end)}, or the empty slot where it would go. */
  private int find(String text, int start, int end) {
    int h = 0;
    for (int i = start; i < end; i++) {
      h = 31 * h + text.charAt(i);
    }
    int mask = slots.length - 1;
    int length = end - start;
    for (int slot = (h * 0x9E3779B9) >>> slotShift; ; slot = (slot + 1) & mask) {
      int entry = slots[slot];
      if (entry == 0) {
        return slot;
      }
      String piece = tokens[entry - 1];
      if (slotHashes[slot] == h
          && piece.length() == length
          && piece.regionMatches(0, text, start, length)) {
        return slot;
      }
    }
  }

  /** {@code tokenizer.ggml.merges} ({@code "left right"} per line, best first), if present. */
  public Optional<String[]> merges() {
    return Optional.ofNullable(merges);
  }

  public int bos() {
    return bos;
  }

  public int eos() {
    return eos;
  }

  public int unk() {
    return unk;
  }

  public int pad() {
    return pad;
  }

  public int eot() {
    return eot;
  }

  public int eom() {
    return eom;
  }

  public boolean addBos() {
    return addBos;
  }

  public boolean addSpacePrefix() {
    return addSpacePrefix;
  }

  int checkId(int id) {
    if (id < 0 || id >= tokens.length) {
      throw new IllegalArgumentException(
          "token id must be in 0.." + (tokens.length - 1) + ", got " + id);
    }
    return id;
  }
}
