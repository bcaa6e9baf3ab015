package dev.fathom.drafters.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A GGUF file (versions 2 and 3, little-endian) mapped into memory: its metadata, its tensor table,
 * and each tensor's bytes as a {@link MemorySegment} slice of the mapping — the weights are never
 * copied onto the heap.
 *
 * <p>Layout, after the GGUF specification (ggml/docs/gguf.md): magic {@code GGUF}, version (u32),
 * tensor count (u64), metadata count (u64), metadata entries (key string, value type u32, value),
 * tensor infos (name, n_dims u32, dims u64[n_dims], type u32, offset u64), padding to {@code
 * general.alignment} (default 32), then the data section. Strings are a u64 length and UTF-8 bytes.
 *
 * <p>Every count and length is checked against the bytes left before it is used, so a truncated or
 * corrupt file fails with a {@link GgufFormatException} naming the file and what was being read.
 */
public final class GgufFile implements AutoCloseable {
  public static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
  public static final int DEFAULT_ALIGNMENT = 32;

  /** Arrays of arrays deeper than this are taken for corruption. */
  static final int MAX_ARRAY_DEPTH = 64;

  private final Path path;
  private final Arena arena;
  private final MemorySegment file;
  private final int version;
  private final GgufMetadata metadata;
  private final Map<String, GgufTensorInfo> tensors;
  private final int alignment;
  private final long dataOffset;

  GgufFile(
      Path path,
      Arena arena,
      MemorySegment file,
      int version,
      GgufMetadata metadata,
      Map<String, GgufTensorInfo> tensors,
      int alignment,
      long dataOffset) {
    this.path = path;
    this.arena = arena;
    this.file = file;
    this.version = version;
    this.metadata = metadata;
    this.tensors = tensors;
    this.alignment = alignment;
    this.dataOffset = dataOffset;
  }

  /** Maps {@code path} read-only and parses its header; the tensors stay on disk until touched. */
  public static GgufFile open(Path path) throws IOException {
    Arena arena = Arena.ofShared();
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
      return new GgufParser(path, file).parse(arena);
    } catch (IOException | RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  /**
   * Parses a GGUF image already in memory, {@code path} naming it in messages; nothing is mapped,
   * so {@link #close()} has nothing to release. Lets tests try thousands of corrupt images without
   * a file and an unmapping each.
   */
  static GgufFile parse(Path path, MemorySegment image) {
    return new GgufParser(path, image).parse(null);
  }

  public Path path() {
    return path;
  }

  public int version() {
    return version;
  }

  public GgufMetadata metadata() {
    return metadata;
  }

  /** The tensor table in file order. */
  public Map<String, GgufTensorInfo> tensors() {
    return tensors;
  }

  public int alignment() {
    return alignment;
  }

  /** Offset of the data section from the start of the file. */
  public long dataOffset() {
    return dataOffset;
  }

  public long fileSize() {
    return file.byteSize();
  }

  public boolean hasTensor(String name) {
    return tensors.containsKey(name);
  }

  public GgufTensorInfo tensor(String name) {
    GgufTensorInfo info = tensors.get(name);
    if (info == null) {
      throw new GgufFormatException(path + ": tensor '" + name + "' is missing");
    }
    return info;
  }

  /** The bytes of a tensor, as a slice of the mapping (valid until {@link #close()}). */
  public MemorySegment data(GgufTensorInfo info) {
    return file.asSlice(dataOffset + info.offset(), info.byteSize());
  }

  public MemorySegment data(String name) {
    return data(tensor(name));
  }

  /** Unmaps the file; segments returned by {@link #data} must not be used afterwards. */
  @Override
  public void close() {
    if (arena != null) {
      arena.close();
    }
  }

  /** Rounds {@code offset} up to a multiple of {@code alignment}. */
  public static long align(long offset, int alignment) {
    return (offset + alignment - 1) / alignment * alignment;
  }
}
