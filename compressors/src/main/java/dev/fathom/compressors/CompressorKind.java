package dev.fathom.compressors;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which compressor turns retrieved passages into evidence ({@code fathom.compressor.kind}, {@code
 * eval compression --compressor}); docs/compression.md compares them.
 */
public enum CompressorKind {
  /** MiniLM cosine plus a lexical bonus, zero-shot ({@link ExtractiveCompressor}). */
  UNTRAINED,
  /**
   * The trained sentence scorer ({@link
   * dev.fathom.compressors.recomp.TrainedExtractiveCompressor}).
   */
  TRAINED,
  /** A language model's summary ({@link dev.fathom.compressors.recomp.AbstractiveCompressor}). */
  ABSTRACTIVE;

  /** The name used in configuration and on the command line. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code untrained}, {@code trained} or {@code abstractive} (any case).
   *
   * @throws IllegalArgumentException naming the value and the legal ones
   */
  public static CompressorKind parse(String value) {
    for (CompressorKind k : values()) {
      if (k.id().equalsIgnoreCase(value == null ? "" : value.strip())) return k;
    }
    throw new IllegalArgumentException(
        "compressor must be one of "
            + Arrays.stream(values()).map(CompressorKind::id).collect(Collectors.joining(", "))
            + ", got \""
            + value
            + "\"");
  }
}
