package dev.fathom.retrieval.collection;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of a collection: a set of documents with an index of its own, so that questions about a
 * user's lease are never answered from Fathom's bundled docs (LlamaIndex's indexes, Haystack's
 * document stores and Spring AI's vector-store collections play the same part).
 *
 * <p>A name is 1..64 characters of lower-case ASCII letters, digits, {@code -} and {@code _},
 * starting with a letter or digit: it becomes a directory name, so nothing else is allowed.
 *
 * @param value the name itself
 */
public record CollectionName(String value) implements Comparable<CollectionName> {

  private static final Pattern LEGAL = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  /** The collection of everything that names none. */
  public static final CollectionName DEFAULT = new CollectionName("default");

  /**
   * Fathom's own docs/ folder: what {@code fathom ask} answers from before anything is ingested.
   */
  public static final CollectionName DEMO = new CollectionName("fathom-docs");

  public CollectionName {
    Objects.requireNonNull(value, "collection name");
    if (!LEGAL.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "collection name '"
              + value
              + "' is not legal: use 1..64 characters a-z, 0-9, '-' and '_', starting with a"
              + " letter or digit (e.g. 'default', 'contracts-2024')");
    }
  }

  /** Parses {@code raw}, null meaning {@link #DEFAULT}. */
  public static CollectionName of(String raw) {
    return raw == null ? DEFAULT : new CollectionName(raw.strip());
  }

  @Override
  public int compareTo(CollectionName o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
