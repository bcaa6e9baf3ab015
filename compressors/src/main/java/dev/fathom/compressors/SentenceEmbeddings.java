package dev.fathom.compressors;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.embed.SentenceVectorSource;
import dev.fathom.retrieval.embed.SentenceVectors;
import dev.fathom.retrieval.text.TextSpan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * How the extractive compressors get the vectors of their candidate sentences: stored with the
 * passage at ingest when the index has them ({@link SentenceVectorSource}), embedded now otherwise
 * (an index written before they were stored, a backend that does not keep them, a unit the ingest
 * did not cut). Embedding some 30 sentences per question with MiniLM costs about a second on a busy
 * two-core machine; reading their stored vectors, well under a millisecond (docs/compression.md).
 */
public final class SentenceEmbeddings {

  private final Embedder embedder;
  private final SentenceVectorSource stored;

  public SentenceEmbeddings(Embedder embedder, SentenceVectorSource stored) {
    this.embedder = Objects.requireNonNull(embedder, "embedder");
    this.stored = Objects.requireNonNull(stored, "stored");
  }

  /** The embedding model: the question is always embedded with it. */
  public Embedder embedder() {
    return embedder;
  }

  /**
   * The vector of each of {@code units} (a sentence at {@code span} of {@code passage}'s text,
   * whose text is {@code text}), in order: the stored one when the passage has it, else one batch
   * of the rest through the embedder.
   */
  public <T> List<float[]> of(
      List<T> units,
      Function<T, Passage> passage,
      Function<T, TextSpan> span,
      Function<T, String> text) {
    Map<String, Passage> passages = new LinkedHashMap<>();
    for (T u : units) passages.putIfAbsent(passage.apply(u).id(), passage.apply(u));
    Map<String, SentenceVectors> found =
        passages.isEmpty() ? Map.of() : stored.find(List.copyOf(passages.values()));
    float[][] out = new float[units.size()][];
    List<String> missing = new ArrayList<>();
    List<Integer> missingAt = new ArrayList<>();
    for (int i = 0; i < units.size(); i++) {
      T u = units.get(i);
      SentenceVectors v = found.get(passage.apply(u).id());
      out[i] = v == null ? null : v.vectorOf(span.apply(u));
      if (out[i] == null) {
        missing.add(text.apply(u));
        missingAt.add(i);
      }
    }
    if (!missing.isEmpty()) {
      List<float[]> computed = embedder.embedAll(missing);
      for (int j = 0; j < computed.size(); j++) out[missingAt.get(j)] = computed.get(j);
    }
    return List.of(out);
  }
}
