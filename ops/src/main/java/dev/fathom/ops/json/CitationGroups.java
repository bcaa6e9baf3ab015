package dev.fathom.ops.json;

import dev.fathom.answer.Citation;
import dev.fathom.answer.CitedScore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An answer's citations as people read them: one number per document, its cited passages listed
 * under it. The pipeline numbers passages (the prompt fences each passage, and a model cites what
 * it saw); two passages of one file would otherwise show as {@code [1]} and {@code [2]} with the
 * same path. The answer text's markers are renumbered to the documents', and a marker repeated
 * right after itself ({@code [1] [1]}) is written once.
 */
public final class CitationGroups {
  private CitationGroups() {}

  /** A cited document: its number, source and title, and the passages cited from it. */
  public record Source(int n, String source, String title, List<Citation> passages) {}

  /** The answer text with document numbers, and the documents in order of first citation. */
  public record Grouped(String text, List<Source> sources) {}

  private static final Pattern MARKER = Pattern.compile("\\[(\\d{1,4})]");
  private static final Pattern REPEATED = Pattern.compile("(\\[\\d{1,4}])(?:\\s?\\1)+");

  /** Groups {@code citations} (numbered per passage in {@code text}) by source. */
  public static Grouped group(String text, List<Citation> citations) {
    Map<String, List<Citation>> bySource = new LinkedHashMap<>();
    for (Citation c : citations) {
      bySource.computeIfAbsent(c.source(), s -> new ArrayList<>()).add(c);
    }
    Map<Integer, Integer> renumber = new LinkedHashMap<>();
    List<Source> sources = new ArrayList<>();
    for (List<Citation> cs : bySource.values()) {
      int n = sources.size() + 1;
      for (Citation c : cs) renumber.put(c.n(), n);
      sources.add(new Source(n, cs.getFirst().source(), cs.getFirst().title(), List.copyOf(cs)));
    }
    StringBuilder out = new StringBuilder(text.length());
    Matcher m = MARKER.matcher(text);
    while (m.find()) {
      Integer n = renumber.get(Integer.parseInt(m.group(1)));
      m.appendReplacement(out, n == null ? Matcher.quoteReplacement(m.group()) : "[" + n + "]");
    }
    m.appendTail(out);
    return new Grouped(REPEATED.matcher(out).replaceAll("$1"), sources);
  }

  /**
   * The score of a source: that of its best cited passage ({@code scores}: citation number →
   * retrieval score, {@link dev.fathom.answer.Answer#scores()}); null when none of its passages has
   * one.
   */
  public static CitedScore best(Source s, Map<Integer, CitedScore> scores) {
    CitedScore best = null;
    for (Citation c : s.passages()) {
      CitedScore cs = scores.get(c.n());
      if (cs != null && (best == null || cs.relevance() > best.relevance())) best = cs;
    }
    return best;
  }

  /** The character ranges of a source's passages, as {@code 120-480, 900-1300}. */
  public static String ranges(Source s) {
    List<String> parts = new ArrayList<>();
    for (Citation c : s.passages()) parts.add(c.start() + "-" + c.end());
    return String.join(", ", parts);
  }
}
