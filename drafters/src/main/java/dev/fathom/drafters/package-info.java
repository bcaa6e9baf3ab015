/**
 * The language-model runtime (GGUF, tokenizers, kernels, forward pass) and decoding strategies such
 * as RAPID speculative drafting. Until a generative model is configured, answers are composed
 * extractively by {@code dev.fathom.answer}.
 */
package dev.fathom.drafters;
