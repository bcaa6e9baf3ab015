/**
 * Memory of the language-model engine: the paged key/value cache ({@link
 * dev.fathom.memory.KvCache}) with append, truncate (speculative decoding drops rejected drafts)
 * and copy-on-write fork (a shared prompt prefix between sequences); the {@link
 * dev.fathom.memory.PrefixCache} that keeps KV pages of earlier prompts for later requests of the
 * same model; the eviction policies that bound a long request's cache ({@link
 * dev.fathom.memory.StreamingLlmPolicy}, {@link dev.fathom.memory.H2oPolicy}, with {@link
 * dev.fathom.memory.RopeShift} re-rotating moved keys; docs/memory.md); and, in {@code
 * dev.fathom.memory.session}, the session transcript model: turns, the events that change them and
 * the token-budgeted memory window with its running summary.
 */
package dev.fathom.memory;
