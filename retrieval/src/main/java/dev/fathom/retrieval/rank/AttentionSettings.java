package dev.fathom.retrieval.rank;

import java.util.List;
import java.util.Objects;

/**
 * Settings of the {@link AttentionRanker}.
 *
 * @param layers the transformer blocks whose attention is summed (0-based); empty means all of
 *     them, as ICR prescribes (Chen et al. sum over every layer and head)
 * @param calibrate subtract the attention of the same pass with the content-free query {@link
 *     #CONTENT_FREE} (ICR's calibration); off only to measure what it removes
 * @param passageTokens tokens kept per passage (fewer when the context is too small for all)
 */
public record AttentionSettings(List<Integer> layers, boolean calibrate, int passageTokens) {

  /** ICR's content-free query. */
  public static final String CONTENT_FREE = "N/A";

  public AttentionSettings {
    layers = List.copyOf(Objects.requireNonNull(layers, "layers"));
    for (int l : layers) {
      if (l < 0) throw new IllegalArgumentException("layers must be >= 0, got " + l);
    }
    if (passageTokens < 4 || passageTokens > 8192) {
      throw new IllegalArgumentException(
          "passageTokens must be in [4, 8192], got " + passageTokens);
    }
  }

  /** All layers, calibrated, 300 tokens per passage. */
  public static AttentionSettings defaults() {
    return new AttentionSettings(List.of(), true, 300);
  }

  public AttentionSettings withLayers(List<Integer> l) {
    return new AttentionSettings(l, calibrate, passageTokens);
  }

  public AttentionSettings withCalibration(boolean c) {
    return new AttentionSettings(layers, c, passageTokens);
  }
}
