package dev.fathom.answer;

import dev.fathom.compressors.Evidence;
import java.util.function.Consumer;

/**
 * The answer stage. The default, {@link ExtractiveAnswerer}, needs no generative model; {@link
 * GenerativeAnswerer} writes the answer with a language model.
 */
public interface Answerer {

  /** Composes the answer to {@code question} from {@code evidence}; timings are left empty. */
  Answer answer(String question, Evidence evidence);

  /**
   * Composes the answer and hands its text to {@code onText} as it is written. This default
   * computes the answer first and emits its whole text once; a generative answerer emits pieces as
   * the model produces them. What was emitted may differ from the returned {@link Answer#text()}
   * where the answerer rewrites text after generation (see {@link GenerativeAnswerer}).
   */
  default Answer answer(String question, Evidence evidence, Consumer<String> onText) {
    Answer a = answer(question, evidence);
    onText.accept(a.text());
    return a;
  }
}
