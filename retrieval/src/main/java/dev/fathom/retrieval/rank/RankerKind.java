package dev.fathom.retrieval.rank;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The rankers a request can name ({@code --rerank}, {@code "rerank"} in HTTP/Kafka questions). */
public enum RankerKind {
  /** Keep retrieval's order. */
  NONE,
  /** RankGPT-style permutation generation ({@link ListwiseRanker}). */
  LISTWISE,
  /** Attention-based in-context ranking, one prefill ({@link AttentionRanker}). */
  ATTENTION,
  /** Learned fusion of retrieval signals ({@link FusionRanker}). */
  FUSION;

  /** The lower-case name used on the command line, in configuration and in JSON. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code none|listwise|attention|fusion} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the value and the legal ones
   */
  public static RankerKind parse(String value) {
    if (value != null) {
      for (RankerKind k : values()) {
        if (k.id().equalsIgnoreCase(value.strip())) return k;
      }
    }
    throw new IllegalArgumentException(
        "rerank must be one of "
            + Arrays.stream(values()).map(RankerKind::id).collect(Collectors.joining("|"))
            + ", got '"
            + value
            + "'");
  }
}
