package dev.fathom.drafters.gguf;

import java.util.Arrays;

/**
 * One entry of a GGUF tensor table.
 *
 * @param name tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param shape dimensions in ggml order: {@code shape[0]} (ne0) varies fastest, so a matrix with
 *     {@code rows} output features of {@code cols} inputs has shape {@code [cols, rows]}
 * @param type element type
 * @param offset byte offset from the start of the file's data section
 */
public record GgufTensorInfo(String name, long[] shape, GgmlType type, long offset) {
  public GgufTensorInfo {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  public long byteSize() {
    return type.byteSize(elementCount());
  }

  /** ne0: elements per row. */
  public long columns() {
    return shape[0];
  }

  /** Product of the dimensions after the first: the number of rows. */
  public long rows() {
    long n = 1;
    for (int i = 1; i < shape.length; i++) {
      n *= shape[i];
    }
    return n;
  }

  /** Shape and type for messages, e.g. {@code Q4_K [2048 x 5632]}. */
  public String describe() {
    StringBuilder sb = new StringBuilder(type.name()).append(" [");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : " x ").append(shape[i]);
    }
    return sb.append(']').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GgufTensorInfo t
        && name.equals(t.name)
        && Arrays.equals(shape, t.shape)
        && type == t.type
        && offset == t.offset;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + describe() + " @" + offset;
  }
}
