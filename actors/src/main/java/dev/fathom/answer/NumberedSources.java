package dev.fathom.answer;

import dev.fathom.compressors.Evidence;
import dev.fathom.compressors.EvidenceSentence;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.text.EvidenceFence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sources an answer prompt shows, numbered as {@link ExtractiveAnswerer} numbers its citations:
 * one number per passage, from 1, in the order the evidence first uses the passage.
 */
final class NumberedSources {

  /** One numbered source and the text the prompt shows for it. */
  record Source(Citation citation, String text) {}

  private NumberedSources() {}

  /** The short context: each passage with only its kept sentences. */
  static List<Source> ofEvidence(Evidence evidence) {
    Map<String, Passage> passages = new LinkedHashMap<>();
    Map<String, StringBuilder> texts = new LinkedHashMap<>();
    for (EvidenceSentence s : evidence.sentences()) {
      Passage p = s.passage();
      passages.putIfAbsent(p.id(), p);
      StringBuilder t = texts.computeIfAbsent(p.id(), id -> new StringBuilder());
      if (!t.isEmpty()) t.append(' ');
      t.append(s.text().strip());
    }
    List<Source> out = new ArrayList<>();
    for (Passage p : passages.values()) {
      out.add(new Source(citation(out.size() + 1, p), texts.get(p.id()).toString()));
    }
    return out;
  }

  /**
   * The long context: every retrieved passage in full. The passages the evidence uses come first,
   * with the numbers {@link #ofEvidence} gives them, so a drafter reading the short context and a
   * target reading this one cite a source by the same number; the other passages follow in rank
   * order. Without retrieved passages, the evidence's passages alone.
   */
  static List<Source> ofPassages(Evidence evidence) {
    Map<String, Passage> ordered = new LinkedHashMap<>();
    for (EvidenceSentence s : evidence.sentences())
      ordered.putIfAbsent(s.passage().id(), s.passage());
    for (Passage p : evidence.passages()) ordered.putIfAbsent(p.id(), p);
    List<Source> out = new ArrayList<>();
    for (Passage p : ordered.values()) {
      out.add(new Source(citation(out.size() + 1, p), p.text().strip()));
    }
    return out;
  }

  /**
   * Each source fenced and labelled as quoted material ({@link EvidenceFence}: {@code <<<evidence n
   * source="Title">>>} … {@code <<<end evidence n>>>}), numbered as cited, separated by blank
   * lines. Retrieved text is data: a sentence inside cannot close its fence or pose as an
   * instruction (indirect prompt injection, Greshake et al., AISec 2023; spotlighting, Hines et
   * al., arXiv 2403.14720).
   */
  static String render(List<Source> sources) {
    StringBuilder b = new StringBuilder();
    for (Source s : sources) {
      if (!b.isEmpty()) b.append("\n\n");
      Citation c = s.citation();
      b.append(EvidenceFence.quote(c.n(), c.title(), s.text()));
    }
    return b.toString();
  }

  private static Citation citation(int n, Passage p) {
    return new Citation(n, p.source(), p.title(), p.start(), p.end(), p.text());
  }
}
