package dev.fathom.retrieval.access;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is asking: the caller on whose behalf the index is searched. Every search path filters
 * passages by the caller's access tokens inside the Lucene query (see {@link AccessFilter}).
 *
 * <p>Three kinds, chosen explicitly by the code that authenticates the caller:
 *
 * <ul>
 *   <li>{@link #anonymous()} — no credentials: sees public documents only.
 *   <li>{@link #user(String, Set)} — an authenticated principal and its groups: sees public
 *       documents and those whose access list names the user or one of the groups.
 *   <li>{@link #owner()} — the owner of a local index (the {@code fathom search/ask} CLI reading
 *       its own data directory): unrestricted. Whoever can read the index files can read every
 *       passage anyway, so filtering would protect nothing there. A server must never hand this to
 *       a remote caller.
 * </ul>
 *
 * @param kind which of the three
 * @param id the principal name ({@code ""} for anonymous and owner)
 * @param groups the principal's groups (empty for anonymous and owner)
 */
public record Principal(Kind kind, String id, Set<String> groups) {

  public enum Kind {
    ANONYMOUS,
    USER,
    OWNER
  }

  private static final Principal ANONYMOUS = new Principal(Kind.ANONYMOUS, "", Set.of());
  private static final Principal OWNER = new Principal(Kind.OWNER, "", Set.of());

  public Principal {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(groups, "groups");
    if (kind == Kind.USER) {
      AccessList.requireName("principal id", id);
      for (String g : groups) AccessList.requireName("group", g);
    } else if (!id.isEmpty() || !groups.isEmpty()) {
      throw new IllegalArgumentException(
          kind + " principal takes no id or groups, got id='" + id + "' groups=" + groups);
    }
    groups = Set.copyOf(new TreeSet<>(groups));
  }

  /** A caller without credentials: public documents only. */
  public static Principal anonymous() {
    return ANONYMOUS;
  }

  /** The owner of a local index (CLI): every passage, no filter. Never for remote callers. */
  public static Principal owner() {
    return OWNER;
  }

  /** An authenticated principal with its groups. */
  public static Principal user(String id, Set<String> groups) {
    return new Principal(Kind.USER, id, groups);
  }

  public boolean unrestricted() {
    return kind == Kind.OWNER;
  }

  /**
   * The access tokens this caller matches in the index: always {@link AccessList#PUBLIC_TOKEN},
   * plus {@code u:<id>} and {@code g:<group>} for a user.
   *
   * @throws IllegalStateException for the owner, who is not filtered at all
   */
  public Set<String> accessTokens() {
    if (kind == Kind.OWNER) throw new IllegalStateException("the owner is not filtered");
    Set<String> tokens = new TreeSet<>();
    tokens.add(AccessList.PUBLIC_TOKEN);
    if (kind == Kind.USER) {
      tokens.add(AccessList.USER_PREFIX + id);
      for (String g : groups) tokens.add(AccessList.GROUP_PREFIX + g);
    }
    return tokens;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case ANONYMOUS -> "anonymous";
      case OWNER -> "owner (unrestricted)";
      case USER -> "user:" + id + (groups.isEmpty() ? "" : " groups=" + groups);
    };
  }
}
