package dev.fathom.retrieval.access;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may read a document: named users and groups. The empty list is {@link #PUBLIC}: every caller,
 * anonymous included, may read it (documents without an access list are public, as before access
 * control existed). A non-empty list grants exactly the users and members of the groups it names;
 * the index {@link Principal#owner() owner} reads everything.
 *
 * <p>Stored in the index as one exact-match token per entry ({@link #tokens()}): {@code u:<user>},
 * {@code g:<group>}, or {@code *} for public; a search matches a passage only when the caller's
 * {@link Principal#accessTokens()} share a token with it. Text form (ingest option, sidecar file,
 * document JSON): {@code user:alice, group:eng} or {@code public}; see {@link AccessLists}.
 */
public record AccessList(Set<String> users, Set<String> groups) {

  /** The index token that marks a public passage. */
  public static final String PUBLIC_TOKEN = "*";

  static final String USER_PREFIX = "u:";
  static final String GROUP_PREFIX = "g:";

  /** Longest user or group name accepted. */
  public static final int MAX_NAME = 256;

  public static final AccessList PUBLIC = new AccessList(Set.of(), Set.of());

  public AccessList {
    Objects.requireNonNull(users, "users");
    Objects.requireNonNull(groups, "groups");
    for (String u : users) requireName("user", u);
    for (String g : groups) requireName("group", g);
    users = Set.copyOf(new TreeSet<>(users));
    groups = Set.copyOf(new TreeSet<>(groups));
  }

  public static AccessList of(Set<String> users, Set<String> groups) {
    return new AccessList(users, groups);
  }

  public boolean isPublic() {
    return users.isEmpty() && groups.isEmpty();
  }

  /** The tokens stored on every passage of the document. */
  public Set<String> tokens() {
    if (isPublic()) return Set.of(PUBLIC_TOKEN);
    Set<String> out = new TreeSet<>();
    for (String u : users) out.add(USER_PREFIX + u);
    for (String g : groups) out.add(GROUP_PREFIX + g);
    return out;
  }

  /** Rebuilds an access list from its stored {@link #tokens()}. */
  public static AccessList fromTokens(Iterable<String> tokens) {
    Set<String> users = new TreeSet<>();
    Set<String> groups = new TreeSet<>();
    for (String t : tokens) {
      if (t.equals(PUBLIC_TOKEN)) continue;
      if (t.startsWith(USER_PREFIX)) users.add(t.substring(USER_PREFIX.length()));
      else if (t.startsWith(GROUP_PREFIX)) groups.add(t.substring(GROUP_PREFIX.length()));
      else throw new IllegalArgumentException("unknown access token '" + t + "'");
    }
    return new AccessList(users, groups);
  }

  /**
   * Whether {@code caller} may read a document with this list (the same rule the index applies).
   */
  public boolean permits(Principal caller) {
    if (caller.unrestricted() || isPublic()) return true;
    if (caller.kind() != Principal.Kind.USER) return false;
    if (users.contains(caller.id())) return true;
    for (String g : caller.groups()) if (groups.contains(g)) return true;
    return false;
  }

  /** The text form, {@code public} or {@code user:a, group:b}, that {@link AccessLists} parses. */
  @Override
  public String toString() {
    if (isPublic()) return "public";
    StringBuilder b = new StringBuilder();
    for (String u : users) b.append(b.isEmpty() ? "" : ", ").append("user:").append(u);
    for (String g : groups) b.append(b.isEmpty() ? "" : ", ").append("group:").append(g);
    return b.toString();
  }

  static void requireName(String what, String name) {
    Objects.requireNonNull(name, what);
    if (name.isEmpty() || name.length() > MAX_NAME) {
      throw new IllegalArgumentException(
          what + " name must have 1 to " + MAX_NAME + " characters, got " + name.length());
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c) || c == ',') {
        throw new IllegalArgumentException(
            what
                + " name '"
                + name
                + "' contains whitespace, a control character or a comma (not allowed)");
      }
    }
  }
}
