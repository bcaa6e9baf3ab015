package dev.fathom.retrieval.meta;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metadata of a Markdown file's YAML front matter, read as the flat subset that notes and
 * static-site generators write: {@code key: value}, {@code key: [a, b]} and {@code key:} followed
 * by {@code - item} lines; quotes around a value are removed. Nested maps and multi-line strings
 * are skipped (they are not filterable values), as are keys that are not legal metadata keys and
 * empty values, so a front matter Fathom cannot use never makes a file unreadable.
 */
public final class FrontMatter {
  private FrontMatter() {}

  private static final Pattern PAIR =
      Pattern.compile("^([A-Za-z0-9][A-Za-z0-9_.-]*)\\s*:\\s*(.*)$");
  private static final Pattern ITEM = Pattern.compile("^\\s+-\\s+(.*)$");

  /** The fields of {@code yaml} (the text between the {@code ---} lines). */
  public static DocumentMetadata parse(String yaml) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    String listKey = null;
    for (String line : yaml.split("\n")) {
      if (line.isBlank() || line.stripLeading().startsWith("#")) continue;
      Matcher item = ITEM.matcher(line);
      if (listKey != null && item.matches()) {
        add(out, listKey, unquote(item.group(1)));
        continue;
      }
      listKey = null;
      Matcher m = PAIR.matcher(line);
      if (!m.matches()) continue; // nested or multi-line: not a flat value
      String key;
      try {
        key = DocumentMetadata.key(m.group(1));
      } catch (IllegalArgumentException e) {
        continue;
      }
      String v = m.group(2).strip();
      if (v.isEmpty()) {
        listKey = key;
      } else if (v.startsWith("[") && v.endsWith("]")) {
        for (String part : v.substring(1, v.length() - 1).split(",")) add(out, key, unquote(part));
      } else if (!v.startsWith("|") && !v.startsWith(">") && !v.startsWith("{")) {
        add(out, key, unquote(v));
      }
    }
    return new DocumentMetadata(out);
  }

  private static void add(Map<String, List<String>> out, String key, String value) {
    if (value.isBlank() || value.length() > DocumentMetadata.MAX_VALUE_CHARS) return;
    List<String> values = out.computeIfAbsent(key, k -> new ArrayList<>());
    if (values.size() < DocumentMetadata.MAX_VALUES) values.add(value);
    if (out.size() > DocumentMetadata.MAX_KEYS) out.remove(key);
  }

  private static String unquote(String raw) {
    String s = raw.strip();
    int hash = s.indexOf(" #");
    if (hash > 0 && !s.startsWith("\"") && !s.startsWith("'")) s = s.substring(0, hash).strip();
    if (s.length() >= 2
        && ((s.startsWith("\"") && s.endsWith("\"")) || (s.startsWith("'") && s.endsWith("'")))) {
      s = s.substring(1, s.length() - 1);
    }
    return s.strip();
  }
}
