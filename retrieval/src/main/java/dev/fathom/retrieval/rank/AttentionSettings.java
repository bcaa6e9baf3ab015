package dev.fathom.retrieval.rank;

import java.util.List;
import java.util.Objects;

/**
 * Settings of the {@link AttentionRanker}.
 *
 * @param layers the transformer blocks whose attention is summed (0-based); empty means all of
 *     them, as ICR prescribes (Chen et al. sum over every layer and head)
 * @param heads single (layer, head) pairs to sum instead; when not empty it overrides {@code
 *     layers} (for a model whose copying heads are known: layer 4 head 1 for stories260K,
 *     docs/ranking.md)
 * @param calibrate subtract the attention of the same pass with the content-free query {@link
 *     #CONTENT_FREE} (ICR's calibration); off only to measure what it removes
 * @param passageTokens tokens kept per passage (fewer when the context is too small for all)
 * @param blocks read each passage in its own block after the shared instruction, all at the same
 *     positions, instead of all passages in one causal sequence: BlockRank's structure (arXiv
 *     2510.05396: no cross-document attention, permutation-invariant positions), so a passage's
 *     score cannot come from where it stands in the list. Costs the same prefill tokens plus one
 *     question pass (two when calibrated) per passage instead of one (two) in all
 */
public record AttentionSettings(
    List<Integer> layers, List<Head> heads, boolean calibrate, int passageTokens, boolean blocks) {

  /** ICR's content-free query. */
  public static final String CONTENT_FREE = "N/A";

  /** One attention head of one layer (both 0-based). */
  public record Head(int layer, int head) {
    public Head {
      if (layer < 0 || head < 0) {
        throw new IllegalArgumentException(
            "layer and head must be >= 0, got layer " + layer + " head " + head);
      }
    }
  }

  public AttentionSettings {
    layers = List.copyOf(Objects.requireNonNull(layers, "layers"));
    heads = List.copyOf(Objects.requireNonNull(heads, "heads"));
    for (int l : layers) {
      if (l < 0) throw new IllegalArgumentException("layers must be >= 0, got " + l);
    }
    if (passageTokens < 4 || passageTokens > 8192) {
      throw new IllegalArgumentException(
          "passageTokens must be in [4, 8192], got " + passageTokens);
    }
  }

  /** All layers and heads, calibrated, 300 tokens per passage (ICR). */
  public static AttentionSettings defaults() {
    return new AttentionSettings(List.of(), List.of(), true, 300, false);
  }

  public AttentionSettings withLayers(List<Integer> l) {
    return new AttentionSettings(l, heads, calibrate, passageTokens, blocks);
  }

  public AttentionSettings withHeads(List<Head> h) {
    return new AttentionSettings(layers, h, calibrate, passageTokens, blocks);
  }

  public AttentionSettings withCalibration(boolean c) {
    return new AttentionSettings(layers, heads, c, passageTokens, blocks);
  }

  /** One block per passage at shared positions ({@code true}) or all passages in one sequence. */
  public AttentionSettings withBlocks(boolean b) {
    return new AttentionSettings(layers, heads, calibrate, passageTokens, b);
  }

  /**
   * What docs/ranking.md measured best on stories260K's needle test, chosen on other trials than it
   * is reported on: one block per passage, layer 4 head 1, calibrated.
   */
  public static AttentionSettings stories260K() {
    return defaults().withBlocks(true).withHeads(List.of(new Head(4, 1)));
  }

  /** Which heads a score sums over. */
  AttentionScores.HeadFilter filter() {
    if (!heads.isEmpty()) return (l, h) -> heads.contains(new Head(l, h));
    if (!layers.isEmpty()) return (l, h) -> layers.contains(l);
    return AttentionScores.HeadFilter.ALL;
  }

  /** The selection in words, for explanations. */
  String describe() {
    String layout = blocks ? ", one block per passage" : "";
    if (!heads.isEmpty()) {
      return "heads " + heads.stream().map(h -> h.layer() + "." + h.head()).toList() + layout;
    }
    return "layers " + (layers.isEmpty() ? "all" : layers.toString()) + layout;
  }
}
