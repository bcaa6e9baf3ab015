package dev.fathom.drafters.gguf;

/**
 * The tensor element types of ggml, with the ids GGUF stores and the block layout of each.
 *
 * <p>Ids, block sizes and bytes per block follow {@code ggml.h} / {@code ggml.c} ({@code
 * type_traits}). A quantised type stores {@link #blockSize()} elements in {@link #bytesPerBlock()}
 * bytes; a tensor row's element count must be a multiple of the block size. Types the engine can
 * compute with are marked {@link #computable()}; the others are recognised so that an error can
 * name them.
 */
public enum GgmlType {
  F32(0, 1, 4, true),
  F16(1, 1, 2, true),
  Q4_0(2, 32, 18, true),
  Q4_1(3, 32, 20, false),
  Q5_0(6, 32, 22, false),
  Q5_1(7, 32, 24, false),
  Q8_0(8, 32, 34, true),
  Q8_1(9, 32, 36, false),
  Q2_K(10, 256, 84, false),
  Q3_K(11, 256, 110, false),
  Q4_K(12, 256, 144, true),
  Q5_K(13, 256, 176, true),
  Q6_K(14, 256, 210, true),
  Q8_K(15, 256, 292, false),
  IQ2_XXS(16, 256, 66, false),
  IQ2_XS(17, 256, 74, false),
  IQ3_XXS(18, 256, 98, false),
  IQ1_S(19, 256, 50, false),
  IQ4_NL(20, 32, 18, false),
  IQ3_S(21, 256, 110, false),
  IQ2_S(22, 256, 82, false),
  IQ4_XS(23, 256, 136, false),
  I8(24, 1, 1, false),
  I16(25, 1, 2, false),
  I32(26, 1, 4, false),
  I64(27, 1, 8, false),
  F64(28, 1, 8, false),
  IQ1_M(29, 256, 56, false),
  BF16(30, 1, 2, true),
  TQ1_0(34, 256, 54, false),
  TQ2_0(35, 256, 66, false),
  MXFP4(39, 32, 17, false);

  private static final GgmlType[] BY_ID = new GgmlType[64];

  static {
    for (GgmlType t : values()) {
      BY_ID[t.id] = t;
    }
  }

  private final int id;
  private final int blockSize;
  private final int bytesPerBlock;
  private final boolean computable;

  GgmlType(int id, int blockSize, int bytesPerBlock, boolean computable) {
    this.id = id;
    this.blockSize = blockSize;
    this.bytesPerBlock = bytesPerBlock;
    this.computable = computable;
  }

  /** The type with GGUF id {@code id}, or null when the id is unknown. */
  public static GgmlType byId(int id) {
    return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
  }

  public int id() {
    return id;
  }

  /** Elements per block (1 for plain float and integer types). */
  public int blockSize() {
    return blockSize;
  }

  public int bytesPerBlock() {
    return bytesPerBlock;
  }

  /**
   * True for the types the engine has kernels for (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K).
   */
  public boolean computable() {
    return computable;
  }

  /**
   * Bytes taken by {@code elements} elements; {@code elements} must be a multiple of the block
   * size. Throws {@link ArithmeticException} when the size overflows a long.
   */
  public long byteSize(long elements) {
    if (elements % blockSize != 0) {
      throw new IllegalArgumentException(
          name()
              + " stores blocks of "
              + blockSize
              + " elements; "
              + elements
              + " is not a multiple");
    }
    // multiplyExact: a corrupt tensor shape must not wrap to a small, plausible size.
    return Math.multiplyExact(elements / blockSize, (long) bytesPerBlock);
  }
}
