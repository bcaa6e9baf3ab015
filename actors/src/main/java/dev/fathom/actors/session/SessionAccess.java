package dev.fathom.actors.session;

import dev.fathom.retrieval.access.Principal;

/**
 * Who may use a session: the principal that asked its first turn owns it, and only the owner may
 * ask in it, read its history or delete it (docs/sessions.md). A session's history holds the
 * passages its owner was allowed to read, so handing it to another principal would bypass the
 * access lists the searches enforce (docs/security.md).
 *
 * <p>Principals are recorded by name: {@code user:<id>}, {@code anonymous} or {@code owner}. A
 * user's groups are not part of the name (they may change; each search uses the asker's current
 * groups). The local index owner (the CLI, which can read the journal file anyway) may use every
 * session, and a session journaled before owners were recorded is open to all.
 */
public final class SessionAccess {

  private SessionAccess() {}

  /** The name under which {@code p} owns sessions. */
  public static String nameOf(Principal p) {
    return switch (p.kind()) {
      case USER -> "user:" + p.id();
      case ANONYMOUS -> "anonymous";
      case OWNER -> "owner";
    };
  }

  /** Whether {@code caller} may use a session owned by {@code owner} ({@code ""}: unrecorded). */
  public static boolean allows(String owner, Principal caller) {
    return owner.isEmpty() || caller.unrestricted() || owner.equals(nameOf(caller));
  }
}
