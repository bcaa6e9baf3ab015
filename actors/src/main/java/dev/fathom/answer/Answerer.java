package dev.fathom.answer;

import dev.fathom.behaviors.prompt.BehaviorLibrary;
import dev.fathom.compressors.Evidence;
import dev.fathom.drafters.lm.TokenListener;

/**
 * The answer stage. The default, {@link ExtractiveAnswerer}, needs no generative model; {@link
 * GenerativeAnswerer} writes the answer with a language model. {@link AnswerStage} builds the one
 * configured.
 *
 * <p>Implementations are safe to call from several threads at once: an answerer that wraps a
 * language model (which serves one call at a time) serialises its own calls.
 */
public interface Answerer {

  /**
   * Composes the answer to {@code question} from {@code evidence} and hands its text to {@code
   * listener} as it is written: a generative answerer emits pieces as the model produces them, the
   * extractive one its whole text once. What was streamed may differ from the returned {@link
   * Answer#text()} where the answerer rewrites text after generation (see {@link
   * GenerativeAnswerer}). Timings are left empty.
   */
  Answer answer(String question, Evidence evidence, TokenListener listener);

  /** Composes the answer without streaming it. */
  default Answer answer(String question, Evidence evidence) {
    return answer(question, evidence, TokenListener.NONE);
  }

  /**
   * Composes the answer with the handbook's {@code offer} in the prompt (behavior-conditioned
   * inference). Answerers that write no prompt, like the extractive one, ignore the offer.
   */
  default Answer answer(
      String question, Evidence evidence, BehaviorLibrary.Offer offer, TokenListener listener) {
    return answer(question, evidence, listener);
  }
}
