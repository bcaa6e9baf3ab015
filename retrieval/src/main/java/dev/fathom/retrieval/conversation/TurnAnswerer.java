package dev.fathom.retrieval.conversation;

import dev.fathom.memory.session.Citation;
import dev.fathom.retrieval.Hit;
import java.util.List;
import java.util.Objects;

/**
 * What a session answered to a turn, as the transcript records it. The conversation evaluation
 * needs the first turn answered the way a session would answer it, without the answer stage of
 * {@code compressors} (a module above this one): the evaluation's caller may pass an answerer over
 * the real answer stage; {@link #topPassages(int)} is the stand-alone default.
 */
@FunctionalInterface
public interface TurnAnswerer {

  /**
   * The answer text and its citations.
   *
   * @param text the answer text
   * @param citations the sources cited
   */
  record Answered(String text, List<Citation> citations) {
    public Answered {
      Objects.requireNonNull(text, "text");
      citations = List.copyOf(Objects.requireNonNull(citations, "citations"));
    }
  }

  /** Answers {@code question} from the hits retrieved for it. */
  Answered answer(String question, List<Hit> hits);

  /**
   * An extractive answer from the retrieval alone: the opening sentence of the best hit as text,
   * the first {@code n} distinct sources as citations — what the default extractive answer stage
   * cites when its evidence comes from the top passages.
   */
  static TurnAnswerer topPassages(int n) {
    if (n < 1) throw new IllegalArgumentException("n must be >= 1, got " + n);
    return (question, hits) -> {
      if (hits.isEmpty()) return new Answered("", List.of());
      String text = hits.getFirst().passage().text().strip();
      int end = text.indexOf(". ");
      return new Answered(
          (end > 0 ? text.substring(0, end + 1) : text) + " [1]",
          HistoryAwareRetriever.citations(hits, n));
    };
  }
}
