package dev.fathom.retrieval.solr;

import dev.fathom.retrieval.filter.MetadataFilter;
import dev.fathom.retrieval.filter.SearchFilter;
import dev.fathom.retrieval.meta.DocumentMetadata;
import dev.fathom.retrieval.meta.MetadataValues;
import java.util.List;
import java.util.Locale;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.params.ModifiableSolrParams;

/**
 * Fathom's metadata filters ({@link SearchFilter}, the {@code --filter} syntax of {@code
 * FilterSyntax}) as Solr filter queries, one {@code fq} per condition, the same conditions the
 * embedded index builds as Lucene queries ({@code FilterQueries}): any-of on lower-cased exact
 * values, ranges on numbers and on ISO dates (epoch milliseconds UTC), path prefixes on the source
 * and its path below the ingested folder. Solr applies every {@code fq} inside BM25 and as the
 * pre-filter of the HNSW search, so a filtered search still returns the top k of the matching
 * passages, never a shortened list.
 *
 * <p>User values never enter query syntax: each goes in a request parameter of its own, read by
 * {@code {!term}} or {@code {!prefix}} (which take their value verbatim), and metadata keys are
 * encoded into field names of {@code [a-z0-9_]} only ({@link #field}).
 */
final class SolrFilters {
  private SolrFilters() {}

  /** Adds one {@code fq} per condition of {@code filter} to {@code p}. */
  static void apply(SearchFilter filter, ModifiableSolrParams p) {
    if (filter == null) return;
    int n = 0;
    for (MetadataFilter f : filter.conditions()) {
      switch (f) {
        case MetadataFilter.AnyOf a -> {
          StringBuilder fq = new StringBuilder("{!bool");
          for (String v : a.values()) {
            String param = "fv" + n++;
            fq.append(" should=$").append(param);
            p.set(param, "{!term f=" + field("meta", a.key()) + "}" + v.toLowerCase(Locale.ROOT));
          }
          p.add("fq", fq.append('}').toString());
        }
        case MetadataFilter.Range r -> p.add("fq", range(r));
        case MetadataFilter.PathPrefix pp -> {
          StringBuilder fq = new StringBuilder("{!bool");
          for (String prefix : pp.prefixes()) {
            for (String f2 : List.of("path", "source")) {
              String param = "fv" + n++;
              fq.append(" should=$").append(param);
              p.set(param, "{!prefix f=" + f2 + "}" + prefix);
            }
          }
          p.add("fq", fq.append('}').toString());
        }
      }
    }
  }

  /** The metadata fields of a passage or file record (schema.xml's meta_*, num_*, date_*). */
  static void addMetadata(SolrInputDocument d, DocumentMetadata meta) {
    meta.fields()
        .forEach(
            (key, values) -> {
              for (String v : values) {
                d.addField(field("meta", key), v.toLowerCase(Locale.ROOT));
                MetadataValues.number(v).ifPresent(x -> d.addField(field("num", key), x));
                MetadataValues.date(v).ifPresent(t -> d.addField(field("date", key), t));
              }
            });
  }

  /**
   * The Solr field of metadata {@code key} ({@code [a-z0-9_.-]}) of a kind: {@code kind + "_"} and
   * the key with {@code _}, {@code .}, {@code -} written {@code _u}, {@code _d}, {@code _h}, so
   * distinct keys never share a field and the name needs no escaping in any query parser.
   */
  static String field(String kind, String key) {
    StringBuilder f = new StringBuilder(kind).append('_');
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      switch (c) {
        case '_' -> f.append("_u");
        case '.' -> f.append("_d");
        case '-' -> f.append("_h");
        default -> f.append(c);
      }
    }
    return f.toString();
  }

  /** Inclusive bounds computed as the embedded index computes them; open bounds are {@code *}. */
  private static String range(MetadataFilter.Range r) {
    if (r.kind() == MetadataFilter.Range.Kind.NUMBER) {
      String lo = "*", hi = "*";
      if (r.lower() != null) {
        double x = MetadataValues.number(r.lower()).getAsDouble();
        lo = Double.toString(r.lowerInclusive() ? x : Math.nextUp(x));
      }
      if (r.upper() != null) {
        double x = MetadataValues.number(r.upper()).getAsDouble();
        hi = Double.toString(r.upperInclusive() ? x : Math.nextDown(x));
      }
      return field("num", r.key()) + ":[" + lo + " TO " + hi + "]";
    }
    String lo = "*", hi = "*";
    if (r.lower() != null) {
      long t = MetadataValues.date(r.lower()).getAsLong();
      lo = Long.toString(r.lowerInclusive() ? t : t + 1);
    }
    if (r.upper() != null) {
      long t = MetadataValues.date(r.upper()).getAsLong();
      hi = Long.toString(r.upperInclusive() ? t : t - 1);
    }
    return field("date", r.key()) + ":[" + lo + " TO " + hi + "]";
  }
}
