package dev.fathom.answer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code [n]} markers a model writes into an answer: which sources it cites, and the text with
 * the markers renumbered in order of first use. Only the single-number form {@code [n]} counts;
 * {@code [1, 2]} or {@code [1-2]} stay as text.
 */
final class CitationMarkers {

  /** A marker, with the one space a model usually writes before it (dropped along with it). */
  private static final Pattern MARKER = Pattern.compile(" ?\\[(\\d{1,4})]");

  /**
   * @param text the text with markers renumbered 1, 2, … in order of first use, and markers naming
   *     no source removed
   * @param cited the original numbers of the cited sources, in order of first use
   * @param dropped how many markers named no source
   */
  record Rewrite(String text, List<Integer> cited, int dropped) {}

  private CitationMarkers() {}

  /** Rewrites {@code text}, whose valid markers are {@code [1]} … {@code [sources]}. */
  static Rewrite rewrite(String text, int sources) {
    Set<Integer> order = new LinkedHashSet<>();
    StringBuilder out = new StringBuilder(text.length());
    int dropped = 0;
    Matcher m = MARKER.matcher(text);
    while (m.find()) {
      int n = Integer.parseInt(m.group(1));
      if (n < 1 || n > sources) {
        dropped++;
        m.appendReplacement(out, "");
        continue;
      }
      order.add(n);
      int renumbered = indexOf(order, n) + 1;
      String space = m.group().startsWith(" ") ? " " : "";
      m.appendReplacement(out, space + "[" + renumbered + "]");
    }
    m.appendTail(out);
    return new Rewrite(out.toString(), new ArrayList<>(order), dropped);
  }

  /** The valid source numbers {@code text} cites, in order of first use, without renumbering. */
  static List<Integer> cited(String text, int sources) {
    return rewrite(text, sources).cited();
  }

  private static int indexOf(Set<Integer> order, int n) {
    int i = 0;
    for (int x : order) {
      if (x == n) return i;
      i++;
    }
    throw new IllegalStateException("not in order: " + n);
  }
}
