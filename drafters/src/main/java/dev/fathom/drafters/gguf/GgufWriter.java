package dev.fathom.drafters.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF version 3 files, streaming the tensor data so that a model larger than the heap can
 * be written: declare the metadata and every tensor (name, type, shape) first, then {@link #open}
 * the file and hand over each tensor's bytes in declaration order, in one piece or in chunks.
 *
 * <pre>{@code
 * GgufWriter w = new GgufWriter()
 *     .put("general.architecture", "llama")
 *     .put("llama.context_length", GgufValue.uint32(2048));
 * w.addTensor("token_embd.weight", GgmlType.Q8_0, 2048, 32000);
 * try (GgufWriter.Output out = w.open(path)) {
 *   out.write("token_embd.weight", Quantizer.quantize(GgmlType.Q8_0, embeddings));
 * }
 * }</pre>
 *
 * <p>Layout after ggml/docs/gguf.md, all little-endian: magic, version 3, tensor count (u64),
 * metadata count (u64), metadata, tensor infos, zero padding to {@code general.alignment} (default
 * 32; it must be a uint32 power of two), then each tensor at an offset that is a multiple of the
 * alignment, padded with zeros between tensors (and after the last, as ggml's writer does).
 */
public final class GgufWriter {
  public static final int VERSION = 3;

  private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
  private final Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
  private long dataSize;
  private boolean opened;

  /**
   * Sets {@code key} to {@code value}: a {@link GgufValue} for an explicit GGUF type, or a Java
   * value whose type {@link GgufValue#of} infers. Keys keep the order of their first put.
   */
  public GgufWriter put(String key, Object value) {
    checkNotOpened();
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("a metadata key must be a non-empty string");
    }
    GgufValue v = GgufValue.of(value);
    if (key.equals("general.alignment")) {
      if (tensors.size() > 0) {
        throw new IllegalStateException("set general.alignment before declaring tensors");
      }
      if (v.type() != GgufValueType.UINT32) {
        throw new IllegalArgumentException(
            "general.alignment must be a uint32 (GgufValue.uint32), got " + v);
      }
      long a = (Long) v.value();
      if (a <= 0 || Long.bitCount(a) != 1 || a > (1 << 20)) {
        throw new IllegalArgumentException(
            "general.alignment must be a power of two from 1 to 1 MiB, got " + a);
      }
    }
    metadata.put(key, v);
    return this;
  }

  /** Copies every entry of {@code source} with its GGUF type. */
  public GgufWriter putAll(GgufMetadata source) {
    source.entries().forEach(this::put);
    return this;
  }

  public int alignment() {
    GgufValue a = metadata.get("general.alignment");
    return a == null ? GgufFile.DEFAULT_ALIGNMENT : (int) (long) (Long) a.value();
  }

  /**
   * Declares the next tensor; its shape is in ggml order ({@code shape[0]} is the row length, which
   * must be a multiple of the type's block size). Returns its table entry.
   */
  public GgufTensorInfo addTensor(String name, GgmlType type, long... shape) {
    checkNotOpened();
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a tensor name must be a non-empty string");
    }
    if (tensors.containsKey(name)) {
      throw new IllegalArgumentException("tensor '" + name + "' is declared twice");
    }
    if (shape.length < 1 || shape.length > 4) {
      throw new IllegalArgumentException(
          "tensor '" + name + "' has " + shape.length + " dimensions (1 to 4 are legal)");
    }
    for (long d : shape) {
      if (d <= 0) {
        throw new IllegalArgumentException(
            "tensor '" + name + "' has a dimension of " + d + " (dimensions are positive)");
      }
    }
    if (shape[0] % type.blockSize() != 0) {
      throw new IllegalArgumentException(
          "tensor '"
              + name
              + "' is "
              + type
              + ", stored in blocks of "
              + type.blockSize()
              + ", but its rows have "
              + shape[0]
              + " elements");
    }
    GgufTensorInfo info = new GgufTensorInfo(name, shape, type, dataSize);
    dataSize = GgufFile.align(Math.addExact(dataSize, info.byteSize()), alignment());
    tensors.put(name, info);
    return info;
  }

  /** The declared tensors in order, with the offsets they will have. */
  public Map<String, GgufTensorInfo> tensors() {
    return Collections.unmodifiableMap(tensors);
  }

  /** Size of the data section, padding included. */
  public long dataSize() {
    return dataSize;
  }

  /**
   * Creates (or truncates) {@code path}, writes the header, and returns the stream that takes the
   * tensors' bytes. A writer can be opened once.
   */
  public Output open(Path path) throws IOException {
    checkNotOpened();
    opened = true;
    byte[] header = header();
    FileChannel channel =
        FileChannel.open(
            path,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    try {
      writeFully(channel, ByteBuffer.wrap(header));
      writeZeros(channel, GgufFile.align(header.length, alignment()) - header.length);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return new Output(path, channel, new ArrayList<>(tensors.values()), alignment());
  }

  /** Writes a file whose tensors are all in memory: a convenience for small files and tests. */
  public void write(Path path, Map<String, byte[]> data) throws IOException {
    try (Output out = open(path)) {
      for (GgufTensorInfo info : tensors.values()) {
        byte[] bytes = data.get(info.name());
        if (bytes == null) {
          throw new IllegalArgumentException("no data for tensor '" + info.name() + "'");
        }
        out.write(info.name(), bytes);
      }
    }
  }

  private void checkNotOpened() {
    if (opened) {
      throw new IllegalStateException("this GgufWriter has been opened: its header is written");
    }
  }

  byte[] header() {
    Encoder e = new Encoder();
    e.u32(GgufFile.MAGIC);
    e.u32(VERSION);
    e.u64(tensors.size());
    e.u64(metadata.size());
    metadata.forEach(
        (key, value) -> {
          e.string(key);
          e.u32(value.type().id());
          e.value(value);
        });
    for (GgufTensorInfo info : tensors.values()) {
      e.string(info.name());
      long[] shape = info.shape();
      e.u32(shape.length);
      for (long d : shape) {
        e.u64(d);
      }
      e.u32(info.type().id());
      e.u64(info.offset());
    }
    return e.toByteArray();
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  private static void writeZeros(FileChannel channel, long n) throws IOException {
    if (n > 0) {
      writeFully(channel, ByteBuffer.allocate((int) n));
    }
  }

  /**
   * The data section being written. Bytes go to the first tensor not yet complete; {@link #close}
   * fails, naming it, if any tensor is still short.
   */
  public static final class Output implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final List<GgufTensorInfo> order;
    private final int alignment;
    private int current;
    private long written;
    private boolean closed;

    private Output(Path path, FileChannel channel, List<GgufTensorInfo> order, int alignment) {
      this.path = path;
      this.channel = channel;
      this.order = order;
      this.alignment = alignment;
    }

    /** Appends bytes of tensor {@code name}, which must be the next tensor still expecting some. */
    public void write(String name, byte[] bytes) throws IOException {
      write(name, ByteBuffer.wrap(bytes));
    }

    public void write(String name, MemorySegment bytes) throws IOException {
      write(name, bytes.asByteBuffer());
    }

    public void write(String name, ByteBuffer bytes) throws IOException {
      if (closed) {
        throw new IllegalStateException(path + " is closed");
      }
      if (current >= order.size()) {
        throw new IllegalStateException(
            "tensor '" + name + "': every declared tensor of " + path + " is already written");
      }
      GgufTensorInfo info = order.get(current);
      if (!info.name().equals(name)) {
        throw new IllegalStateException(
            "tensor '"
                + name
                + "' written while '"
                + info.name()
                + "' is expected next (tensors are written in declaration order)");
      }
      long left = info.byteSize() - written;
      if (bytes.remaining() > left) {
        throw new IllegalArgumentException(
            "tensor '"
                + name
                + "' ("
                + info.describe()
                + ") takes "
                + info.byteSize()
                + " bytes; "
                + (written + bytes.remaining())
                + " were given");
      }
      written += bytes.remaining();
      writeFully(channel, bytes);
      if (written == info.byteSize()) {
        writeZeros(channel, GgufFile.align(written, alignment) - written);
        current++;
        written = 0;
      }
    }

    /** Closes the file; fails if a declared tensor has not been written in full. */
    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try (channel) {
        if (current < order.size()) {
          GgufTensorInfo info = order.get(current);
          throw new IllegalStateException(
              path
                  + ": tensor '"
                  + info.name()
                  + "' got "
                  + written
                  + " of its "
                  + info.byteSize()
                  + " bytes, and "
                  + (order.size() - current - 1)
                  + " tensors after it none: the file is incomplete");
        }
      }
    }
  }

  /** Little-endian serialisation of header values. */
  private static final class Encoder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
    private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

    void u8(int v) {
      out.write(v);
    }

    void u16(int v) {
      scratch.clear();
      scratch.putShort((short) v);
      out.write(scratch.array(), 0, 2);
    }

    void u32(int v) {
      scratch.clear();
      scratch.putInt(v);
      out.write(scratch.array(), 0, 4);
    }

    void u64(long v) {
      scratch.clear();
      scratch.putLong(v);
      out.write(scratch.array(), 0, 8);
    }

    void string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      u64(b.length);
      out.write(b, 0, b.length);
    }

    void value(GgufValue v) {
      Object x = v.value();
      switch (v.type()) {
        case UINT8, INT8 -> u8((Integer) x);
        case UINT16, INT16 -> u16((Integer) x);
        case INT32 -> u32((Integer) x);
        case UINT32 -> u32((int) (long) (Long) x);
        case UINT64, INT64 -> u64((Long) x);
        case FLOAT32 -> u32(Float.floatToRawIntBits((Float) x));
        case FLOAT64 -> u64(Double.doubleToRawLongBits((Double) x));
        case BOOL -> u8((Boolean) x ? 1 : 0);
        case STRING -> string((String) x);
        case ARRAY -> array(v.elementType(), x);
      }
    }

    void array(GgufValueType type, Object a) {
      u32(type.id());
      u64(java.lang.reflect.Array.getLength(a));
      switch (a) {
        case String[] s -> {
          for (String x : s) {
            string(x);
          }
        }
        case float[] f -> {
          for (float x : f) {
            u32(Float.floatToRawIntBits(x));
          }
        }
        case double[] d -> {
          for (double x : d) {
            u64(Double.doubleToRawLongBits(x));
          }
        }
        case boolean[] b -> {
          for (boolean x : b) {
            u8(x ? 1 : 0);
          }
        }
        case long[] l -> {
          for (long x : l) {
            u64(x);
          }
        }
        case int[] n -> {
          for (int x : n) {
            switch (type) {
              case UINT8, INT8 -> u8(x);
              case UINT16, INT16 -> u16(x);
              default -> u32(x);
            }
          }
        }
        case GgufValue[] inner -> {
          for (GgufValue x : inner) {
            array(x.elementType(), x.value());
          }
        }
        default -> throw new IllegalStateException("unexpected array " + a.getClass());
      }
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }
}
