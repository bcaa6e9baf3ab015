package dev.fathom.retrieval.index;

import static dev.fathom.retrieval.index.IndexSchema.*;

import dev.fathom.retrieval.filter.MetadataFilter;
import dev.fathom.retrieval.filter.SearchFilter;
import dev.fathom.retrieval.meta.MetadataValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.util.BytesRef;

/**
 * A {@link SearchFilter} as a Lucene query over the metadata fields of passages, combined with the
 * access filter into the one non-scoring filter of a search (a {@code FILTER} clause for BM25, the
 * pre-filter of the HNSW search for kNN), so filtering never shortens the top k.
 */
final class FilterQueries {
  private FilterQueries() {}

  /** The conjunction of {@code access} (may be null) and {@code filter}; null when neither. */
  static Query combine(Query access, SearchFilter filter) {
    if (filter.isEmpty()) return access;
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    if (access != null) b.add(access, BooleanClause.Occur.FILTER);
    for (MetadataFilter f : filter.conditions()) b.add(query(f), BooleanClause.Occur.FILTER);
    return b.build();
  }

  static Query query(MetadataFilter f) {
    return switch (f) {
      case MetadataFilter.AnyOf a -> {
        List<BytesRef> terms = new ArrayList<>();
        for (String v : a.values()) terms.add(new BytesRef(v.toLowerCase(Locale.ROOT)));
        yield new TermInSetQuery(META_PREFIX + a.key(), terms);
      }
      case MetadataFilter.Range r -> range(r);
      case MetadataFilter.PathPrefix p -> {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (String prefix : p.prefixes()) {
          b.add(new PrefixQuery(new Term(PATH, prefix)), BooleanClause.Occur.SHOULD);
          b.add(new PrefixQuery(new Term(SOURCE, prefix)), BooleanClause.Occur.SHOULD);
        }
        yield b.setMinimumNumberShouldMatch(1).build();
      }
    };
  }

  private static Query range(MetadataFilter.Range r) {
    if (r.kind() == MetadataFilter.Range.Kind.NUMBER) {
      double lo = Double.NEGATIVE_INFINITY, hi = Double.POSITIVE_INFINITY;
      if (r.lower() != null) {
        lo = MetadataValues.number(r.lower()).getAsDouble();
        if (!r.lowerInclusive()) lo = Math.nextUp(lo);
      }
      if (r.upper() != null) {
        hi = MetadataValues.number(r.upper()).getAsDouble();
        if (!r.upperInclusive()) hi = Math.nextDown(hi);
      }
      return DoublePoint.newRangeQuery(NUMBER_PREFIX + r.key(), lo, hi);
    }
    long lo = Long.MIN_VALUE, hi = Long.MAX_VALUE;
    if (r.lower() != null) {
      lo = MetadataValues.date(r.lower()).getAsLong();
      if (!r.lowerInclusive()) lo++;
    }
    if (r.upper() != null) {
      hi = MetadataValues.date(r.upper()).getAsLong();
      if (!r.upperInclusive()) hi--;
    }
    return LongPoint.newRangeQuery(DATE_PREFIX + r.key(), lo, hi);
  }
}
