package dev.fathom.ops.cli;

import dev.fathom.answer.Answer;
import dev.fathom.answer.Citation;
import dev.fathom.answer.CitedScore;
import dev.fathom.ops.json.CitationGroups;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The "Sources:" block of an answer on the command line: one number per document with the cited
 * character ranges under it, paths as {@link Sources#display} shows them (the same form as the
 * {@code path} field of the JSON output).
 */
final class SourceLines {
  private SourceLines() {}

  /** The answer text with document numbers, then its sources. */
  static void printAnswer(Answer a, PrintStream out) {
    CitationGroups.Grouped g = CitationGroups.group(a.text(), a.citations());
    out.println(g.text());
    print(g.sources(), a.scores(), out);
  }

  /** The sources of {@code citations}, grouped by document. */
  static void print(List<CitationGroups.Source> sources, PrintStream out) {
    print(sources, Map.of(), out);
  }

  /**
   * Like {@link #print(List, PrintStream)}, each document with the relevance of its best cited
   * passage ({@code scores}: citation number → retrieval score) where it has one.
   */
  static void print(
      List<CitationGroups.Source> sources, Map<Integer, CitedScore> scores, PrintStream out) {
    if (sources.isEmpty()) return;
    out.println();
    out.println("Sources:");
    for (CitationGroups.Source s : sources) {
      CitedScore best = CitationGroups.best(s, scores);
      String relevance =
          best == null ? "" : String.format(Locale.ROOT, " (relevance %.2f)", best.relevance());
      out.println(
          "[" + s.n() + "] " + Sources.display(s.source()) + " \u2014 " + s.title() + relevance);
      out.println("    " + passages(s.passages().size()) + CitationGroups.ranges(s));
    }
  }

  /**
   * The sources of text already streamed with per-passage numbers: each document once, with the
   * numbers the stream used for it ({@code [1][3] docs/a.md — Title}).
   */
  static void printStreamed(List<Citation> citations, PrintStream out) {
    if (citations.isEmpty()) return;
    Map<String, List<Citation>> bySource = new LinkedHashMap<>();
    for (Citation c : citations)
      bySource.computeIfAbsent(c.source(), k -> new ArrayList<>()).add(c);
    out.println();
    out.println("Sources:");
    for (List<Citation> cs : bySource.values()) {
      StringBuilder numbers = new StringBuilder();
      for (Citation c : cs) numbers.append('[').append(c.n()).append(']');
      out.println(
          numbers
              + " "
              + Sources.display(cs.getFirst().source())
              + " \u2014 "
              + cs.getFirst().title());
    }
  }

  private static String passages(int n) {
    return n == 1 ? "passage at characters " : n + " passages at characters ";
  }
}
