package dev.fathom.ops.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.fathom.retrieval.access.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which API key is which {@link Principal}: the HTTP API searches for a request with the principal
 * of the key it presents, so two keys can see different documents (see {@code docs/security.md}).
 *
 * <p>Two sources: {@code fathom.http.api-keys}, a list of {@code {key, principal, groups}}, and the
 * single {@code fathom.http.api-key}, which maps to the user {@value #SINGLE_KEY_PRINCIPAL} with no
 * groups (public documents plus those naming {@code user:api}). With no key at all every request is
 * {@link Principal#anonymous()}: public documents only.
 */
public final class ApiKeys {

  /** The principal of the single {@code fathom.http.api-key}. */
  public static final String SINGLE_KEY_PRINCIPAL = "api";

  /** Shortest key accepted: anything shorter can be guessed by trying. */
  public static final int MIN_KEY_CHARS = 8;

  /** One key and the principal it authenticates. */
  public record Entry(String key, Principal principal) {
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(principal, "principal");
      if (principal.kind() != Principal.Kind.USER) {
        throw new IllegalArgumentException(
            "an API key must map to a user principal, got " + principal);
      }
    }

    @Override
    public String toString() {
      return "Entry[key=***, principal=" + principal + "]";
    }
  }

  public static final ApiKeys NONE = new ApiKeys(List.of());

  private final List<Entry> entries;

  private ApiKeys(List<Entry> entries) {
    Set<String> seen = new HashSet<>();
    for (Entry e : entries) {
      if (!seen.add(e.key())) {
        throw new IllegalArgumentException(
            "two API keys are equal (the second names "
                + e.principal()
                + "; fathom.http.api-key counts as one): a key must name one principal");
      }
    }
    this.entries = List.copyOf(entries);
  }

  /**
   * The given entries, plus {@code singleKey} (when not blank) as {@link #SINGLE_KEY_PRINCIPAL}.
   */
  public static ApiKeys of(String singleKey, List<Entry> entries) {
    List<Entry> all = new ArrayList<>();
    if (singleKey != null && !singleKey.isBlank()) {
      all.add(new Entry(singleKey.strip(), Principal.user(SINGLE_KEY_PRINCIPAL, Set.of())));
    }
    all.addAll(entries);
    return new ApiKeys(all);
  }

  /** Reads {@code fathom.http.api-keys} (absent = empty) and {@code fathom.http.api-key}. */
  public static ApiKeys fromConfig(Config config, String singleKey) {
    List<Entry> entries = new ArrayList<>();
    if (config.hasPath("fathom.http.api-keys")) {
      List<? extends Config> list;
      try {
        list = config.getConfigList("fathom.http.api-keys");
      } catch (ConfigException e) {
        throw new IllegalArgumentException(
            "fathom.http.api-keys must be a list of {key, principal, groups}: " + e.getMessage(),
            e);
      }
      for (int i = 0; i < list.size(); i++) entries.add(entry(list.get(i), i));
    }
    return of(singleKey, entries);
  }

  private static Entry entry(Config c, int i) {
    String where = "fathom.http.api-keys[" + i + "]";
    if (!c.hasPath("key") || !c.hasPath("principal")) {
      throw new IllegalArgumentException(where + " needs both \"key\" and \"principal\"");
    }
    // The single fathom.http.api-key predates this check; the list's keys are new, so held to it.
    if (c.getString("key").strip().length() < MIN_KEY_CHARS) {
      throw new IllegalArgumentException(
          where + ": the key is shorter than " + MIN_KEY_CHARS + " characters");
    }
    try {
      Set<String> groups =
          c.hasPath("groups") ? new LinkedHashSet<>(c.getStringList("groups")) : Set.of();
      return new Entry(
          c.getString("key").strip(), Principal.user(c.getString("principal").strip(), groups));
    } catch (ConfigException | IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public int size() {
    return entries.size();
  }

  /**
   * The principal of {@code presented}, comparing against every key in constant time per key (so
   * response times say nothing about how much of a key matched).
   */
  public Optional<Principal> principalOf(String presented) {
    if (presented == null) return Optional.empty();
    byte[] p = presented.getBytes(StandardCharsets.UTF_8);
    Principal found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(p, e.key().getBytes(StandardCharsets.UTF_8))) {
        found = e.principal();
      }
    }
    return Optional.ofNullable(found);
  }

  @Override
  public String toString() {
    return "ApiKeys[" + entries.size() + " keys]";
  }
}
