package dev.fathom.answer;

import dev.fathom.compressors.Evidence;
import dev.fathom.compressors.EvidenceSentence;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.retrieval.Passage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers with the evidence sentences themselves, each followed by the number of the passage it
 * came from. Sentences of one passage are joined before the marker so a reader sees one citation
 * per run of text.
 */
public final class ExtractiveAnswerer implements Answerer {

  /** The answer text when selective augmentation found nothing relevant. */
  public static final String NOTHING_FOUND =
      "Nothing relevant was found in the indexed documents for this question.";

  @Override
  public Answer answer(String question, Evidence evidence, TokenListener listener) {
    Answer a = compose(question, evidence);
    listener.onText(a.text());
    return a;
  }

  private static Answer compose(String question, Evidence evidence) {
    if (evidence.isEmpty()) {
      return new Answer(question, NOTHING_FOUND, List.of(), Map.of());
    }
    Map<String, Citation> byPassage = new LinkedHashMap<>();
    StringBuilder text = new StringBuilder();
    List<EvidenceSentence> sentences = evidence.sentences();
    for (int i = 0; i < sentences.size(); i++) {
      EvidenceSentence s = sentences.get(i);
      Passage p = s.passage();
      Citation c =
          byPassage.computeIfAbsent(
              p.id(),
              id ->
                  new Citation(
                      byPassage.size() + 1, p.source(), p.title(), p.start(), p.end(), p.text()));
      if (!text.isEmpty()) text.append(' ');
      text.append(s.text().strip());
      boolean nextSamePassage =
          i + 1 < sentences.size() && sentences.get(i + 1).passage().id().equals(p.id());
      if (!nextSamePassage) text.append(" [").append(c.n()).append(']');
    }
    return new Answer(question, text.toString(), new ArrayList<>(byPassage.values()), Map.of());
  }
}
