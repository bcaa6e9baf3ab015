/**
 * The behavior handbook: Fathom learns short procedural instructions from its own answers and
 * reuses them (Didolkar et al., "Metacognitive Reuse: Turning Recurring LLM Reasoning Into Concise
 * Behaviors", arXiv 2509.13237), adapted from maths problems to answering from documents.
 *
 * <p>Packages follow the loop: {@link dev.fathom.behaviors.trace} records what an answer saw and
 * wrote; {@link dev.fathom.behaviors.curation} runs the paper's solve → reflect → extract pipeline
 * over a trace; {@link dev.fathom.behaviors.handbook} stores the behaviors (Lucene, HNSW kNN),
 * merging near-duplicates; {@link dev.fathom.behaviors.prompt} offers the top-K behaviors to the
 * next answer (behavior-conditioned inference) and counts the ones it cites; {@link
 * dev.fathom.behaviors.eval} counts and evaluates. See {@code docs/behaviors.md}.
 */
package dev.fathom.behaviors;
