package dev.fathom.retrieval.meta;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a document says about itself beyond its text: author, year, tags, dates. It comes from
 * Markdown front matter, HTML {@code <meta>} tags, the PDF information dictionary, the {@code
 * metadata} object of a streamed document, or {@code fathom ingest --meta k=v}; every passage of
 * the document carries it, so a search filter ({@code dev.fathom.retrieval.filter}) can restrict
 * retrieval inside the Lucene query.
 *
 * <p>Keys are lower-cased and must match {@code [a-z0-9][a-z0-9_.-]{0,63}}; a key holds 1..{@value
 * #MAX_VALUES} values of at most {@value #MAX_VALUE_CHARS} characters; a document holds at most
 * {@value #MAX_KEYS} keys.
 *
 * @param fields key → values, in insertion order
 */
public record DocumentMetadata(Map<String, List<String>> fields) {

  public static final int MAX_KEYS = 64;
  public static final int MAX_VALUES = 64;
  public static final int MAX_VALUE_CHARS = 1000;

  private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

  public static final DocumentMetadata EMPTY = new DocumentMetadata(Map.of());

  public DocumentMetadata {
    Objects.requireNonNull(fields, "fields");
    if (fields.size() > MAX_KEYS) {
      throw new IllegalArgumentException(
          "metadata may hold at most " + MAX_KEYS + " keys, got " + fields.size());
    }
    Map<String, List<String>> copy = new LinkedHashMap<>();
    fields.forEach(
        (k, vs) -> {
          String key = key(k);
          if (vs == null || vs.isEmpty() || vs.size() > MAX_VALUES) {
            throw new IllegalArgumentException(
                "metadata '"
                    + key
                    + "' must have 1.."
                    + MAX_VALUES
                    + " values, got "
                    + (vs == null ? 0 : vs.size()));
          }
          List<String> values = new ArrayList<>(vs.size());
          for (String v : vs) values.add(value(key, v));
          copy.merge(key, values, DocumentMetadata::concat);
        });
    fields = Collections.unmodifiableMap(copy);
  }

  /**
   * A metadata key, lower-cased and checked.
   *
   * @throws IllegalArgumentException naming the key and the legal form
   */
  public static String key(String raw) {
    String k = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
    if (!KEY.matcher(k).matches()) {
      throw new IllegalArgumentException(
          "metadata key '"
              + raw
              + "' is not legal: use 1..64 characters a-z, 0-9, '_', '.', '-', starting with a"
              + " letter or digit");
    }
    return k;
  }

  private static String value(String key, String raw) {
    if (raw == null || raw.isBlank()) {
      throw new IllegalArgumentException("metadata '" + key + "' has an empty value");
    }
    String v = raw.strip();
    if (v.length() > MAX_VALUE_CHARS) {
      throw new IllegalArgumentException(
          "metadata '"
              + key
              + "' has a value of "
              + v.length()
              + " characters; the limit is "
              + MAX_VALUE_CHARS);
    }
    return v;
  }

  /** {@code k=v} as given to {@code fathom ingest --meta}. */
  public static DocumentMetadata parseAssignment(String assignment) {
    int eq = assignment == null ? -1 : assignment.indexOf('=');
    if (eq <= 0 || eq == assignment.length() - 1) {
      throw new IllegalArgumentException(
          "--meta expects KEY=VALUE (e.g. --meta author=Ann), got '" + assignment + "'");
    }
    return new DocumentMetadata(
        Map.of(assignment.substring(0, eq), List.of(assignment.substring(eq + 1))));
  }

  /** One key with one value. */
  public static DocumentMetadata of(String key, String value) {
    return new DocumentMetadata(Map.of(key, List.of(value)));
  }

  /** These fields, with {@code over}'s replacing any of the same key. */
  public DocumentMetadata with(DocumentMetadata over) {
    if (over.fields.isEmpty()) return this;
    Map<String, List<String>> m = new LinkedHashMap<>(fields);
    m.putAll(over.fields);
    return new DocumentMetadata(m);
  }

  public boolean isEmpty() {
    return fields.isEmpty();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
