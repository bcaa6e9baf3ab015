package dev.fathom.compressors.recomp;

import java.util.List;

/**
 * One dev question as the compressor's training sees it: its candidate sentences' features, which
 * of them hold a gold answer (RECOMP's positives when no reader model scores them, §3.1), and what
 * the selection needs to be simulated without re-running retrieval.
 *
 * @param features rows of {@link SentenceFeatures}, row-major
 * @param positive per candidate: holds a gold answer (SQuAD normalisation)
 * @param tokens per candidate: model tokens
 * @param demoted per candidate: addresses the model
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
    int inputTokens,
    boolean answerInTop,
    boolean goldRetrieved,
    int fold) {

  int rows() {
    return positive.length;
  }

  static int rows(List<TrainingExample> examples) {
    return examples.stream().mapToInt(TrainingExample::rows).sum();
  }
}
