package dev.fathom.compressors.recomp;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.text.SentenceSplitter;
import dev.fathom.retrieval.text.TextSpan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One sentence of the top passages that the trained compressor may keep: RECOMP's unit of
 * extraction (§3.1). Cut as {@link dev.fathom.compressors.ExtractiveCompressor} cuts them: the
 * ingest sentence splitter, fragments and markup dropped, each sentence once even when overlapping
 * passages repeat it (attributed to the higher-ranked passage).
 *
 * @param passage the passage it was cut from (its citation)
 * @param span where it lies inside {@code passage.text()}
 * @param text the sentence
 * @param passageRank 0-based rank of its passage among the top passages
 * @param index 0-based position among the kept sentences of its passage
 * @param sourceOrder order of its source among the sources of the top passages
 * @param offset absolute character offset in the source document
 * @param passageScore the retrieval score of its passage (the fused score for hybrid search)
 */
public record CandidateSentence(
    Passage passage,
    TextSpan span,
    String text,
    int passageRank,
    int index,
    int sourceOrder,
    int offset,
    float passageScore) {
  public CandidateSentence {
    Objects.requireNonNull(passage, "passage");
    Objects.requireNonNull(text, "text");
  }

  /** The candidates of the first {@code topPassages} hits, in rank then reading order. */
  public static List<CandidateSentence> of(List<Hit> hits, int topPassages, int minSentenceChars) {
    Map<String, Integer> sourceOrder = new HashMap<>();
    Set<String> seen = new HashSet<>();
    List<CandidateSentence> out = new ArrayList<>();
    List<Hit> top = hits.subList(0, Math.min(topPassages, hits.size()));
    for (int rank = 0; rank < top.size(); rank++) {
      Passage p = top.get(rank).passage();
      float score = top.get(rank).score();
      int order = sourceOrder.computeIfAbsent(p.source(), s -> sourceOrder.size());
      int index = 0;
      for (TextSpan span : SentenceSplitter.split(p.text())) {
        String text = span.of(p.text());
        if (text.length() < minSentenceChars || isMarkup(text)) continue;
        int offset = p.start() + span.start();
        if (!seen.add(p.source() + '\u0000' + offset + '\u0000' + text)) continue;
        out.add(new CandidateSentence(p, span, text, rank, index++, order, offset, score));
      }
    }
    return out;
  }

  /** Headings, table rows and code fences are layout, not sentences to show as evidence. */
  private static boolean isMarkup(String sentence) {
    return SentenceSplitter.isLayout(sentence); // shared with ingest, which stores their vectors
  }
}
