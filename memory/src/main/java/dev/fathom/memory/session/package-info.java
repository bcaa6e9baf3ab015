/**
 * The session transcript model: a session's {@link dev.fathom.memory.session.Turn}s and running
 * summary ({@link dev.fathom.memory.session.Transcript}), the events that change them ({@link
 * dev.fathom.memory.session.SessionEvent}) with a pure {@code apply} for event sourcing, and the
 * memory budget that keeps the history fed to retrieval and prompts bounded ({@link
 * dev.fathom.memory.session.MemoryFolder}). Plain records: the persisting actor lives in {@code
 * actors}. See docs/sessions.md.
 */
package dev.fathom.memory.session;
