package dev.fathom.retrieval.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one-line filter syntax of {@code --filter} (and of a JSON array of strings): {@code
 * key=value}, {@code key=a,b}, {@code key>=n}, {@code key>n}, {@code key<=n}, {@code key<n}, {@code
 * key=lo..hi}, {@code path:prefix}. Easy to type in a shell: only {@code <} and {@code >} need
 * quotes.
 */
public final class FilterSyntax {
  private FilterSyntax() {}

  private static final Pattern CONDITION =
      Pattern.compile("^([A-Za-z0-9][A-Za-z0-9_.-]*)\\s*(>=|<=|>|<|=)\\s*(.*)$", Pattern.DOTALL);

  /** The help text naming every form, used in error messages. */
  public static final String FORMS =
      "key=value, key=a,b, key>=n, key>n, key<=n, key<n, key=lo..hi, path:prefix"
          + " (e.g. author=Ann, 'year>=2020', published=2024-01-01..2024-06-30, path:docs/)";

  /** Parses every expression; all must hold. */
  public static SearchFilter parseAll(List<String> expressions, UnaryOperator<String> pathAlias) {
    List<MetadataFilter> out = new ArrayList<>();
    for (String e : expressions) out.add(parse(e, pathAlias));
    return new SearchFilter(out);
  }

  /**
   * Parses one condition.
   *
   * @param pathAlias a second spelling of a path prefix (the command line adds the absolute form of
   *     a relative prefix, as sources of ingested files are absolute); null or returning null: none
   * @throws IllegalArgumentException naming the expression and the legal forms
   */
  public static MetadataFilter parse(String expression, UnaryOperator<String> pathAlias) {
    String e = expression == null ? "" : expression.strip();
    try {
      if (e.startsWith("path:")) {
        String prefix = e.substring("path:".length()).strip();
        List<String> prefixes = new ArrayList<>(List.of(prefix));
        String alias = pathAlias == null || prefix.isEmpty() ? null : pathAlias.apply(prefix);
        if (alias != null && !alias.equals(prefix)) prefixes.add(alias);
        return new MetadataFilter.PathPrefix(prefixes);
      }
      Matcher m = CONDITION.matcher(e);
      if (!m.matches() || m.group(3).isBlank()) {
        throw new IllegalArgumentException("expected one of " + FORMS);
      }
      String key = m.group(1);
      String value = m.group(3).strip();
      return switch (m.group(2)) {
        case ">=" -> new MetadataFilter.Range(key, value, true, null, false);
        case ">" -> new MetadataFilter.Range(key, value, false, null, false);
        case "<=" -> new MetadataFilter.Range(key, null, false, value, true);
        case "<" -> new MetadataFilter.Range(key, null, false, value, false);
        default -> equalsForm(key, value);
      };
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException("bad filter '" + expression + "': " + ex.getMessage(), ex);
    }
  }

  private static MetadataFilter equalsForm(String key, String value) {
    int dots = value.indexOf("..");
    if (dots >= 0) {
      String lo = value.substring(0, dots).strip();
      String hi = value.substring(dots + 2).strip();
      if (lo.isEmpty() && hi.isEmpty()) throw new IllegalArgumentException("empty range");
      return new MetadataFilter.Range(
          key, lo.isEmpty() ? null : lo, true, hi.isEmpty() ? null : hi, true);
    }
    List<String> values = new ArrayList<>();
    for (String v : value.split(",")) {
      if (v.isBlank()) throw new IllegalArgumentException("empty value in '" + value + "'");
      values.add(v.strip());
    }
    return new MetadataFilter.AnyOf(key, values);
  }
}
