package dev.fathom.retrieval.index;

import dev.fathom.retrieval.embed.SentenceVectors;
import dev.fathom.retrieval.text.TextSpan;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The bytes of a passage's {@link SentenceVectors} in the index: int8 scalar quantisation with one
 * scale per vector (each component {@code round(x / s)} with {@code s = max|x| / 127}), which keeps
 * a 384-dimension MiniLM vector in 396 bytes instead of 1,536 and moves a cosine by about 1e-3.
 *
 * <p>Layout (big-endian): {@code 'F' 'S' 'V'}, codec version (1 byte), sentence-cutting version
 * (short), dimension (short), CRC-32C of the passage text's UTF-8 (int), embedding model id
 * (modified UTF-8 with a short length), sentence count (int); then per sentence its start and end
 * in the passage text (ints), its scale (float) and its {@code dimension} codes (bytes).
 */
final class SentenceVectorCodec {
  private SentenceVectorCodec() {}

  static final byte VERSION = 1;
  private static final byte[] MAGIC = {'F', 'S', 'V'};

  /**
   * What a stored value says about itself besides the vectors.
   *
   * @param model the embedding model id the vectors were made with (as {@code PassageIndex} records
   *     it, for example {@code all-minilm-l6-v2-q/384})
   * @param cutVersion {@code SentenceSplitter.VERSION} at ingest
   * @param dimension vector length
   * @param textCrc CRC-32C of the passage text the spans point into
   */
  record Stored(
      String model, int cutVersion, int dimension, int textCrc, SentenceVectors vectors) {}

  static byte[] encode(String model, int cutVersion, String passageText, SentenceVectors v) {
    byte[] id = model.getBytes(StandardCharsets.UTF_8);
    int dim = v.vectors().isEmpty() ? 0 : v.vectors().getFirst().length;
    ByteBuffer b =
        ByteBuffer.allocate(4 + 2 + 2 + 4 + 2 + id.length + 4 + v.spans().size() * (12 + dim));
    b.put(MAGIC).put(VERSION).putShort((short) cutVersion).putShort((short) dim);
    b.putInt(crc(passageText)).putShort((short) id.length).put(id).putInt(v.spans().size());
    for (int i = 0; i < v.spans().size(); i++) {
      float[] x = v.vectors().get(i);
      if (x.length != dim) {
        throw new IllegalArgumentException(
            "sentence vector " + i + " has " + x.length + " dimensions, the first has " + dim);
      }
      float max = 0;
      for (float f : x) max = Math.max(max, Math.abs(f));
      float scale = max / 127f;
      b.putInt(v.spans().get(i).start()).putInt(v.spans().get(i).end()).putFloat(scale);
      for (float f : x) b.put(scale == 0 ? 0 : (byte) Math.round(f / scale));
    }
    return b.array();
  }

  /**
   * Reads what {@link #encode} wrote.
   *
   * @throws IllegalArgumentException when the bytes are not a stored value of this codec version
   */
  static Stored decode(byte[] bytes, int offset, int length) {
    ByteBuffer b = ByteBuffer.wrap(bytes, offset, length);
    try {
      for (byte m : MAGIC) {
        if (b.get() != m) throw new IllegalArgumentException("not stored sentence vectors");
      }
      byte version = b.get();
      if (version != VERSION) {
        throw new IllegalArgumentException(
            "stored sentence vectors of codec version " + version + ", expected " + VERSION);
      }
      int cut = b.getShort();
      int dim = b.getShort();
      int crc = b.getInt();
      byte[] id = new byte[b.getShort()];
      b.get(id);
      int n = b.getInt();
      if (n < 0 || (long) n * (12 + dim) > b.remaining()) {
        throw new IllegalArgumentException(
            n + " stored sentence vectors do not fit in " + b.remaining() + " bytes");
      }
      List<TextSpan> spans = new ArrayList<>(n);
      List<float[]> vectors = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        spans.add(new TextSpan(b.getInt(), b.getInt()));
        float scale = b.getFloat();
        float[] x = new float[dim];
        for (int j = 0; j < dim; j++) x[j] = b.get() * scale;
        vectors.add(x);
      }
      return new Stored(
          new String(id, StandardCharsets.UTF_8),
          cut,
          dim,
          crc,
          new SentenceVectors(spans, vectors));
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("stored sentence vectors are truncated", e);
    }
  }

  static int crc(String text) {
    CRC32C c = new CRC32C();
    c.update(text.getBytes(StandardCharsets.UTF_8));
    return (int) c.getValue();
  }
}
