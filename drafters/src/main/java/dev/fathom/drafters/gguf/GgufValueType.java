package dev.fathom.drafters.gguf;

/**
 * The metadata value types of GGUF ({@code gguf_type} in ggml/docs/gguf.md), with the ids the file
 * stores.
 */
public enum GgufValueType {
  UINT8(0, 1),
  INT8(1, 1),
  UINT16(2, 2),
  INT16(3, 2),
  UINT32(4, 4),
  INT32(5, 4),
  FLOAT32(6, 4),
  BOOL(7, 1),
  STRING(8, 8),
  ARRAY(9, 12),
  UINT64(10, 8),
  INT64(11, 8),
  FLOAT64(12, 8);

  private static final GgufValueType[] BY_ID = values();

  private final int id;
  private final int minBytes;

  GgufValueType(int id, int minBytes) {
    this.id = id;
    this.minBytes = minBytes;
  }

  /** The type with GGUF id {@code id}, or null when the id is unknown. */
  public static GgufValueType byId(int id) {
    return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
  }

  public int id() {
    return id;
  }

  /**
   * The fewest bytes a value of this type takes in a file: its width, or the length prefix of a
   * string (u64) or an array (u32 element type and u64 length). Used to reject counts that cannot
   * fit in what is left of the file before allocating anything.
   */
  public int minBytes() {
    return minBytes;
  }

  /** Types held as a Java {@link Integer}: every integer type narrower than 32 bits, and int32. */
  boolean heldAsInt() {
    return this == UINT8 || this == INT8 || this == UINT16 || this == INT16 || this == INT32;
  }

  /** Types held as a Java {@link Long}: uint32 (which can exceed an int), int64 and uint64. */
  boolean heldAsLong() {
    return this == UINT32 || this == INT64 || this == UINT64;
  }
}
