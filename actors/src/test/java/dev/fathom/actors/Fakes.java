package dev.fathom.actors;

import dev.fathom.answer.Answer;
import dev.fathom.answer.Answerer;
import dev.fathom.answer.Citation;
import dev.fathom.compressors.ContextCompressor;
import dev.fathom.compressors.Evidence;
import dev.fathom.compressors.EvidenceSentence;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.search.Retriever;
import java.util.List;
import java.util.Map;

/** Hand-written stages for actor tests: one passage, one evidence sentence, one cited answer. */
final class Fakes {

  static final Passage PASSAGE =
      new Passage("sky.txt#0", "sky.txt", "Sky", "The sky is blue. Grass is green.", 0, 32);

  static final String ANSWER_TEXT = "The sky is blue. [1]";

  private Fakes() {}

  /** A retriever as one lambda (the interface's two methods do the same thing here). */
  interface Search {
    List<Hit> search(String query, SearchMode mode, int k);
  }

  static Retriever retriever(Search search) {
    return new Retriever() {
      @Override
      public List<Hit> search(String query, SearchMode mode, int k) {
        return search.search(query, mode, k);
      }

      @Override
      public List<Hit> search(String query, float[] queryVector, SearchMode mode, int k) {
        return search.search(query, mode, k);
      }

      @Override
      public List<Hit> search(
          String query, SearchMode mode, int k, dev.fathom.retrieval.access.Principal caller) {
        return search.search(query, mode, k);
      }
    };
  }

  static Retriever retriever() {
    return retriever((query, mode, k) -> hits());
  }

  static List<Hit> hits() {
    return List.of(new Hit(PASSAGE, 1.5f, 1));
  }

  static ContextCompressor compressor() {
    return (question, hits) -> evidence(question, hits.getFirst().passage());
  }

  static Evidence evidence(String question, Passage passage) {
    return new Evidence(
        question, List.of(new EvidenceSentence("The sky is blue.", passage, 0, 16, 0.9f)), 5, 10);
  }

  static Answerer answerer() {
    return (question, evidence, listener) ->
        answer(question, evidence.sentences().getFirst().passage());
  }

  static Answer answer(String question, Passage p) {
    return new Answer(
        question,
        ANSWER_TEXT,
        List.of(new Citation(1, p.source(), p.title(), p.start(), p.end(), p.text())),
        Map.of());
  }

  static Question question(String requestId) {
    return new Question(
        requestId, "What colour is the sky? (" + requestId + ")", SearchMode.BM25, 5);
  }
}
