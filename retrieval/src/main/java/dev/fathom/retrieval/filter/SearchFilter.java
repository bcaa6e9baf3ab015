package dev.fathom.retrieval.filter;

import java.util.List;

/**
 * All conditions of a search (they must all hold). The command line writes one per {@code
 * --filter}:
 *
 * <ul>
 *   <li>{@code author=Ann} — equals (case-insensitive); {@code tag=rag,search} — any of;
 *   <li>{@code year>=2020}, {@code year<2024}, {@code year=2020..2023} — a numeric range;
 *   <li>{@code published>=2024-01-01} — a date range (ISO-8601, UTC);
 *   <li>{@code path:docs/} — the document's path or id starts with it.
 * </ul>
 *
 * HTTP and Kafka questions give the same as an object (see {@code docs/collections.md}).
 *
 * @param conditions at most {@value #MAX_CONDITIONS}
 */
public record SearchFilter(List<MetadataFilter> conditions) {

  public static final int MAX_CONDITIONS = 32;

  /** No condition: every passage the caller may read. */
  public static final SearchFilter NONE = new SearchFilter(List.of());

  public SearchFilter {
    conditions = List.copyOf(conditions);
    if (conditions.size() > MAX_CONDITIONS) {
      throw new IllegalArgumentException(
          "a search takes at most " + MAX_CONDITIONS + " filters, got " + conditions.size());
    }
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isEmpty() {
    return conditions.isEmpty();
  }
}
