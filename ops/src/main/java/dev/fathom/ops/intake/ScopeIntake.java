package dev.fathom.ops.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.filter.FilterSyntax;
import dev.fathom.retrieval.filter.MetadataFilter;
import dev.fathom.retrieval.filter.SearchFilter;
import dev.fathom.retrieval.search.SearchScope;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The {@code "collection"} and {@code "filter"} fields of HTTP and Kafka questions (and the {@code
 * collection} and {@code filter} parameters of {@code GET /v1/search}), read strictly into a {@link
 * SearchScope}. The filter is either an array of the command line's expressions ({@code
 * ["author=Ann","year>=2020"]}, {@link FilterSyntax}) or an object:
 *
 * <pre>{@code
 * {"author": "Ann",                              equals (case-insensitive)
 *  "tags": ["rag", "search"],                    any of
 *  "year": {"gte": 2020, "lt": 2024},            numeric range (gt, gte, lt, lte)
 *  "published": {"gte": "2024-01-01"},           date range (ISO-8601)
 *  "path": {"prefix": "docs/"}}                  path or id prefix
 * }</pre>
 */
public final class ScopeIntake {
  private ScopeIntake() {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The scope named by {@code j}'s fields; {@link SearchScope#DEFAULT} when it names none. */
  public static SearchScope fromJson(JsonNode j) {
    CollectionName c = CollectionName.DEFAULT;
    JsonNode cn = j.get("collection");
    if (cn != null && !cn.isNull()) {
      if (!cn.isTextual()) {
        throw new IntakeException("field \"collection\" must be a string, got " + cn);
      }
      c = collection(cn.asText());
    }
    JsonNode f = j.get("filter");
    return new SearchScope(c, f == null || f.isNull() ? SearchFilter.NONE : filter(f));
  }

  /** {@code ?collection=NAME&filter=...}: the filter one expression or its JSON form. */
  public static SearchScope fromParams(Map<String, String> params) {
    CollectionName c =
        params.containsKey("collection")
            ? collection(params.get("collection"))
            : CollectionName.DEFAULT;
    String f = params.get("filter");
    if (f == null || f.isBlank()) return new SearchScope(c, SearchFilter.NONE);
    String t = f.strip();
    if (t.startsWith("[") || t.startsWith("{")) {
      try {
        return new SearchScope(c, filter(MAPPER.readTree(t)));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IntakeException("parameter filter is not valid JSON: " + e.getOriginalMessage());
      }
    }
    return new SearchScope(c, expressions(List.of(t)));
  }

  private static CollectionName collection(String name) {
    try {
      return new CollectionName(name);
    } catch (IllegalArgumentException e) {
      throw new IntakeException(e.getMessage());
    }
  }

  /** A filter in either JSON form. */
  public static SearchFilter filter(JsonNode f) {
    if (f.isArray()) {
      List<String> exprs = new ArrayList<>();
      for (JsonNode e : f) {
        if (!e.isTextual()) {
          throw new IntakeException(
              "field \"filter\" as an array holds expressions like \"author=Ann\", got " + e);
        }
        exprs.add(e.asText());
      }
      return expressions(exprs);
    }
    if (!f.isObject()) {
      throw new IntakeException(
          "field \"filter\" must be an object like {\"author\":\"Ann\",\"year\":{\"gte\":2020}}"
              + " or an array like [\"author=Ann\",\"year>=2020\"], got "
              + f);
    }
    List<MetadataFilter> out = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = f.fields();
    try {
      while (it.hasNext()) {
        var e = it.next();
        out.add(condition(e.getKey(), e.getValue()));
      }
      return new SearchFilter(out);
    } catch (IllegalArgumentException e) {
      throw e instanceof IntakeException ie ? ie : new IntakeException("filter: " + e.getMessage());
    }
  }

  private static MetadataFilter condition(String key, JsonNode v) {
    if (v.isValueNode() && !v.isNull()) {
      if (key.equals("path")) return new MetadataFilter.PathPrefix(List.of(v.asText()));
      return new MetadataFilter.AnyOf(key, List.of(v.asText()));
    }
    if (v.isArray()) {
      List<String> values = new ArrayList<>();
      for (JsonNode x : v) {
        if (!x.isValueNode() || x.isNull()) {
          throw new IntakeException(
              "filter \"" + key + "\": values must be strings or numbers, got " + x);
        }
        values.add(x.asText());
      }
      return new MetadataFilter.AnyOf(key, values);
    }
    if (v.isObject()) {
      String lower = null, upper = null;
      boolean lowerIn = false, upperIn = false;
      String prefix = null;
      Iterator<Map.Entry<String, JsonNode>> it = v.fields();
      while (it.hasNext()) {
        var e = it.next();
        JsonNode b = e.getValue();
        if (!b.isValueNode() || b.isNull()) {
          throw new IntakeException(
              "filter \"" + key + "." + e.getKey() + "\" must be a number or a string, got " + b);
        }
        switch (e.getKey()) {
          case "gt" -> lower = b.asText();
          case "gte" -> {
            lower = b.asText();
            lowerIn = true;
          }
          case "lt" -> upper = b.asText();
          case "lte" -> {
            upper = b.asText();
            upperIn = true;
          }
          case "prefix" -> prefix = b.asText();
          default ->
              throw new IntakeException(
                  "filter \""
                      + key
                      + "\" has an unknown operator \""
                      + e.getKey()
                      + "\": expected gt, gte, lt, lte (a range) or prefix (key \"path\")");
        }
      }
      if (prefix != null) {
        if (!key.equals("path") || lower != null || upper != null) {
          throw new IntakeException(
              "filter \"" + key + "\": \"prefix\" is for the key \"path\" alone");
        }
        return new MetadataFilter.PathPrefix(List.of(prefix));
      }
      return new MetadataFilter.Range(key, lower, lowerIn, upper, upperIn);
    }
    throw new IntakeException(
        "filter \"" + key + "\" must be a value, an array or a range object, got " + v);
  }

  private static SearchFilter expressions(List<String> exprs) {
    try {
      return FilterSyntax.parseAll(exprs, null);
    } catch (IllegalArgumentException e) {
      throw new IntakeException("filter: " + e.getMessage());
    }
  }
}
