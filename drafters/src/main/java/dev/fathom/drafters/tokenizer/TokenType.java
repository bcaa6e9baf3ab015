package dev.fathom.drafters.tokenizer;

/**
 * The kind of a vocabulary entry, as stored in {@code tokenizer.ggml.token_type} (the values of
 * SentencePiece's {@code ModelProto.SentencePiece.Type}, which llama.cpp's converter writes for
 * every tokenizer model).
 */
public enum TokenType {
  NORMAL(1),
  UNKNOWN(2),
  CONTROL(3),
  USER_DEFINED(4),
  UNUSED(5),
  BYTE(6);

  private final int code;

  TokenType(int code) {
    this.code = code;
  }

  /** The number GGUF files store for this type. */
  public int code() {
    return code;
  }

  /** The type with GGUF code {@code code}; fails naming the code and the legal range 1..6. */
  public static TokenType fromCode(int code) {
    for (TokenType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "token type must be 1..6 (normal, unknown, control, user-defined, unused, byte), got "
            + code);
  }
}
