/**
 * Memory of the language-model engine: the paged key/value cache ({@link
 * dev.fathom.memory.KvCache}) with append, truncate (speculative decoding drops rejected drafts)
 * and copy-on-write fork (a shared prompt prefix between sequences).
 */
package dev.fathom.memory;
