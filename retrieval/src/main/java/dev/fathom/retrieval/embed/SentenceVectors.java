package dev.fathom.retrieval.embed;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.text.SentenceSplitter;
import dev.fathom.retrieval.text.TextSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The embeddings of one passage's candidate sentences ({@link SentenceSplitter#sentences}), made
 * once at ingest and stored with the passage, so that compression (RECOMP's extractive compressor
 * embeds every sentence of the top passages, Xu et al., ICLR 2024, §3.1) embeds only the question
 * at answer time. A sentence is named by its span inside the passage text.
 *
 * @param spans the sentences' spans in the passage text, in reading order (ascending start)
 * @param vectors one unit-length vector per span
 */
public record SentenceVectors(List<TextSpan> spans, List<float[]> vectors) {
  public SentenceVectors {
    spans = List.copyOf(Objects.requireNonNull(spans, "spans"));
    vectors = List.copyOf(Objects.requireNonNull(vectors, "vectors"));
    if (spans.size() != vectors.size()) {
      throw new IllegalArgumentException(
          spans.size() + " sentence spans but " + vectors.size() + " vectors");
    }
    for (int i = 1; i < spans.size(); i++) {
      if (spans.get(i).start() < spans.get(i - 1).start()) {
        throw new IllegalArgumentException(
            "sentence spans must ascend by start, got "
                + spans.get(i - 1)
                + " then "
                + spans.get(i));
      }
    }
  }

  /** The vector of the sentence at exactly {@code span}, or null when none is stored. */
  public float[] vectorOf(TextSpan span) {
    int lo = 0, hi = spans.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      TextSpan s = spans.get(mid);
      if (s.start() < span.start()) lo = mid + 1;
      else if (s.start() > span.start()) hi = mid - 1;
      else return s.end() == span.end() ? vectors.get(mid) : null;
    }
    return null;
  }

  /**
   * Embeds the candidate sentences of every passage in one call to {@code embedder} (which batches
   * and sorts by length), for storing at ingest.
   */
  public static List<SentenceVectors> embed(Embedder embedder, List<Passage> passages) {
    List<List<TextSpan>> spans = new ArrayList<>(passages.size());
    List<String> texts = new ArrayList<>();
    for (Passage p : passages) {
      List<TextSpan> s = SentenceSplitter.sentences(p.text());
      spans.add(s);
      for (TextSpan span : s) texts.add(span.of(p.text()));
    }
    List<float[]> vectors = texts.isEmpty() ? List.of() : embedder.embedAll(texts);
    List<SentenceVectors> out = new ArrayList<>(passages.size());
    int at = 0;
    for (List<TextSpan> s : spans) {
      out.add(new SentenceVectors(s, vectors.subList(at, at + s.size())));
      at += s.size();
    }
    return out;
  }
}
