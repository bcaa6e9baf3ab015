/**
 * The answer stage: turns a question and its evidence into a cited {@link
 * dev.fathom.answer.Answer}, extractively ({@link dev.fathom.answer.ExtractiveAnswerer}) or with a
 * language model ({@link dev.fathom.answer.GenerativeAnswerer}).
 *
 * <p><b>Why it lives here, in the {@code actors} module, and not in {@code compressors}.</b> The
 * answer stage reads the output of every stage below it: the evidence of the compressors and, with
 * the behavior handbook (Didolkar et al., "Metacognitive Reuse", arXiv 2509.13237), the behavior
 * instructions of {@code behaviors}, which is a sibling of {@code compressors} and may not depend
 * on it. Giving the generative prompt a neutral "prompt sections" input would have kept it in
 * {@code compressors} but hidden the answer stage under a name that says "compression". So the
 * answer stage sits above both, in the module that already composes the stages, as a package of its
 * own beside the actor package ({@code dev.fathom.actors} adapts it to messages; this package knows
 * nothing of actors and is unit-tested without them).
 */
package dev.fathom.answer;
