/**
 * Memory of the language-model engine: the paged key/value cache ({@link
 * dev.fathom.memory.KvCache}) with append, truncate (speculative decoding drops rejected drafts)
 * and copy-on-write fork (a shared prompt prefix between sequences); and, in {@code
 * dev.fathom.memory.session}, the session transcript model: turns, the events that change them and
 * the token-budgeted memory window with its running summary.
 */
package dev.fathom.memory;
