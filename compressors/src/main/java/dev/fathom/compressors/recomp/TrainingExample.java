package dev.fathom.compressors.recomp;

import java.util.List;

/**
 * One dev question as the compressor's training sees it: its candidate spans' features, which of
 * them hold a gold answer (RECOMP's positives when no reader model scores them, §3.1), and what the
 * selection needs to be simulated without re-running retrieval.
 *
 * @param features rows of {@link SpanFeatures}, row-major, one per candidate span
 * @param positive per span: holds a gold answer (SQuAD normalisation)
 * @param tokens per span: model tokens
 * @param demoted per span: its sentence addresses the model
 * @param sentence per span: index of its sentence
 * @param piece per span: its position in its sentence
 * @param pieces per span: how many spans its sentence was cut into
 * @param inputTokens model tokens of the top passages
 * @param answerInTop whether a gold answer occurs in the top passages at all
 * @param goldRetrieved whether a judged-relevant passage is among the top passages
 * @param fold 0 or 1: the article-level half the question belongs to
 */
record TrainingExample(
    float[] features,
    boolean[] positive,
    int[] tokens,
    boolean[] demoted,
    int[] sentence,
    int[] piece,
    int[] pieces,
    int inputTokens,
    boolean answerInTop,
    boolean goldRetrieved,
    int fold) {

  /** A question whose top passages gave no candidate sentence: no rows, only its outcome. */
  static TrainingExample withoutCandidates(
      int inputTokens, boolean answerInTop, boolean goldRetrieved, int fold) {
    return new TrainingExample(
        new float[0],
        new boolean[0],
        new int[0],
        new boolean[0],
        new int[0],
        new int[0],
        new int[0],
        inputTokens,
        answerInTop,
        goldRetrieved,
        fold);
  }

  int rows() {
    return positive.length;
  }

  /** Model tokens of the evidence of the {@code kept} spans, ellipses included. */
  int evidenceTokens(List<Integer> kept) {
    int n = SpanEvidence.markers(sentence, piece, pieces, kept);
    for (int i : kept) n += tokens[i];
    return n;
  }

  static int rows(List<TrainingExample> examples) {
    return examples.stream().mapToInt(TrainingExample::rows).sum();
  }
}
