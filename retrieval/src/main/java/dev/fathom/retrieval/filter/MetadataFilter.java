package dev.fathom.retrieval.filter;

import dev.fathom.retrieval.meta.DocumentMetadata;
import dev.fathom.retrieval.meta.MetadataValues;
import java.util.List;
import java.util.Objects;

/**
 * One condition on the documents a search may return. Conditions are applied inside the Lucene
 * query as non-scoring filters, beside the access filter, so the top k is taken over matching
 * passages only (never a shorter, post-filtered list). See {@link SearchFilter} for the syntax.
 */
// Typed by name so a filter crosses nodes inside a session turn (jackson-cbor,
// fathom-sessions.conf).
@com.fasterxml.jackson.annotation.JsonTypeInfo(
    use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME,
    property = "type")
@com.fasterxml.jackson.annotation.JsonSubTypes({
  @com.fasterxml.jackson.annotation.JsonSubTypes.Type(
      value = MetadataFilter.AnyOf.class,
      name = "any-of"),
  @com.fasterxml.jackson.annotation.JsonSubTypes.Type(
      value = MetadataFilter.Range.class,
      name = "range"),
  @com.fasterxml.jackson.annotation.JsonSubTypes.Type(
      value = MetadataFilter.PathPrefix.class,
      name = "path-prefix")
})
public sealed interface MetadataFilter {

  /** The key is one of {@code values} (case-insensitive); one value is plain equality. */
  record AnyOf(String key, List<String> values) implements MetadataFilter {
    public AnyOf {
      key = DocumentMetadata.key(key);
      values = List.copyOf(values);
      if (values.isEmpty() || values.size() > DocumentMetadata.MAX_VALUES) {
        throw new IllegalArgumentException(
            "filter on '"
                + key
                + "' needs 1.."
                + DocumentMetadata.MAX_VALUES
                + " values, got "
                + values.size());
      }
      for (String v : values) {
        if (v == null || v.isBlank()) {
          throw new IllegalArgumentException("filter on '" + key + "' has an empty value");
        }
      }
    }
  }

  /**
   * The key's value lies in a range of numbers ({@code year>=2020}) or of ISO-8601 dates ({@code
   * published>=2024-01-01}); both bounds must be of one kind. A null bound is open.
   */
  record Range(
      String key, String lower, boolean lowerInclusive, String upper, boolean upperInclusive)
      implements MetadataFilter {
    public Range {
      key = DocumentMetadata.key(key);
      if (lower == null && upper == null) {
        throw new IllegalArgumentException("range filter on '" + key + "' has no bound");
      }
      Kind kl = lower == null ? null : kindOf(key, lower);
      Kind ku = upper == null ? null : kindOf(key, upper);
      if (kl != null && ku != null && kl != ku) {
        throw new IllegalArgumentException(
            "range filter on '"
                + key
                + "' mixes a number and a date ("
                + lower
                + " .. "
                + upper
                + ")");
      }
    }

    /** Whether the bounds are numbers or dates. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public Kind kind() {
      return kindOf(key, lower != null ? lower : upper);
    }

    /** What a range compares. */
    public enum Kind {
      NUMBER,
      DATE
    }

    private static Kind kindOf(String key, String bound) {
      if (MetadataValues.number(bound).isPresent()) return Kind.NUMBER;
      if (MetadataValues.date(bound).isPresent()) return Kind.DATE;
      throw new IllegalArgumentException(
          "range filter on '"
              + key
              + "': '"
              + bound
              + "' is neither a number (e.g. 2020, 4.5) nor an ISO date (e.g. 2024-03-01,"
              + " 2024-03-01T10:00:00Z)");
    }
  }

  /**
   * The document's path (as ingested, absolute, or relative to the folder given to {@code fathom
   * ingest}, starting with that folder's name) or its id starts with one of {@code prefixes}.
   */
  record PathPrefix(List<String> prefixes) implements MetadataFilter {
    public PathPrefix {
      prefixes = List.copyOf(prefixes);
      if (prefixes.isEmpty()) throw new IllegalArgumentException("path filter has no prefix");
      for (String p : prefixes) {
        Objects.requireNonNull(p, "path prefix");
        if (p.isBlank()) throw new IllegalArgumentException("path filter has an empty prefix");
      }
    }
  }
}
