/**
 * The in-JVM engine behind the {@link dev.fathom.drafters.lm.LanguageModel} interface: {@link
 * dev.fathom.drafters.local.LocalLanguageModel} joins the forward pass ({@code engine}), the
 * tokenizer and chat template ({@code tokenizer}), sampling ({@code sampling}) and RAPID
 * speculative decoding ({@code speculative}). It sits above all four, so none of them needs to know
 * the others' callers: the package graph of {@code drafters} runs gguf → tensor → compute → engine
 * → sampling, speculative → local.
 */
package dev.fathom.drafters.local;
