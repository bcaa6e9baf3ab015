package dev.fathom.compressors.answer;

import dev.fathom.compressors.Evidence;

/**
 * The answer stage. The default, {@link ExtractiveAnswerer}, needs no generative model; a drafter
 * backed by the in-JVM engine implements the same interface.
 */
public interface Answerer {

  /** Composes the answer to {@code question} from {@code evidence}; timings are left empty. */
  Answer answer(String question, Evidence evidence);

  /**
   * Like {@link #answer(String, Evidence)}, handing the text to {@code onText} as it is produced.
   * The default computes the whole answer, then hands over its text once.
   */
  default Answer answer(
      String question, Evidence evidence, java.util.function.Consumer<String> onText) {
    Answer a = answer(question, evidence);
    onText.accept(a.text());
    return a;
  }
}
