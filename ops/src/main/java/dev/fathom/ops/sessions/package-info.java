/**
 * Sessions at the edge: builds the session node ({@link dev.fathom.actors.session.SessionService})
 * from Fathom's configuration, with the rewriter and summarizer of the configured language model.
 */
package dev.fathom.ops.sessions;
