package dev.fathom.ops.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fathom.answer.Answer;
import dev.fathom.answer.Citation;
import dev.fathom.answer.CitedScore;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON output of the command line, one documented shape per result. */
public final class Json {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Without indentation: one value per line (JSON Lines), for rows a script reads one by one. */
  private static final ObjectMapper COMPACT = new ObjectMapper();

  private Json() {}

  /** {@code value} as JSON on a single line. */
  public static String line(Object value) {
    try {
      return COMPACT.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  /**
   * {@code {"question", "answer", "sources":[{"n","source","path","title","relevance","score",
   * "passages":[{"start","end","passage"}]}],
   * "citations":[{"n","source_n","source","path","title","start","end", "passage"}],
   * "timings_ms":{...}}}, and {@code "behaviors":{"offered":[...],"cited":[...]}} when the handbook
   * offered behaviors. The answer's {@code [n]} markers are the documents' numbers ({@code
   * sources[].n}, {@link CitationGroups}); {@code citations} keeps one entry per passage, {@code
   * source_n} naming its document. {@code path} is the source as the text output shows it. A
   * source's {@code relevance} is the 0–1 relevance {@code fathom search} shows for its best cited
   * passage and {@code score} that passage's raw retrieval score; both null when the retrieval left
   * none (a retriever without a 0–1 scale, or an answer not from the pipeline).
   */
  public static Map<String, Object> answer(Answer a) {
    Map<String, Object> m = new LinkedHashMap<>();
    CitationGroups.Grouped grouped = CitationGroups.group(a.text(), a.citations());
    m.put("question", a.question());
    m.put("answer", grouped.text());
    List<Map<String, Object>> sources = new ArrayList<>();
    Map<Integer, Integer> sourceOf = new LinkedHashMap<>();
    for (CitationGroups.Source g : grouped.sources()) {
      Map<String, Object> gm = new LinkedHashMap<>();
      gm.put("n", g.n());
      gm.put("source", g.source());
      gm.put("path", SourcePaths.display(g.source()));
      gm.put("title", g.title());
      CitedScore best = CitationGroups.best(g, a.scores());
      gm.put("relevance", best == null ? null : best.relevance());
      gm.put("score", best == null ? null : best.score());
      List<Map<String, Object>> ps = new ArrayList<>();
      for (Citation c : g.passages()) {
        sourceOf.put(c.n(), g.n());
        Map<String, Object> pm = new LinkedHashMap<>();
        pm.put("start", c.start());
        pm.put("end", c.end());
        pm.put("passage", c.passage());
        ps.add(pm);
      }
      gm.put("passages", ps);
      sources.add(gm);
    }
    m.put("sources", sources);
    List<Map<String, Object>> cites = new ArrayList<>();
    for (Citation c : a.citations()) {
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("n", c.n());
      cm.put("source_n", sourceOf.get(c.n()));
      cm.put("source", c.source());
      cm.put("path", SourcePaths.display(c.source()));
      cm.put("title", c.title());
      cm.put("start", c.start());
      cm.put("end", c.end());
      cm.put("passage", c.passage());
      cites.add(cm);
    }
    m.put("citations", cites);
    m.put("timings_ms", a.timingsMs());
    if (a.behaviors() != null) {
      // The handbook's behaviors in the prompt and those the answer named (docs/behaviors.md).
      m.put(
          "behaviors", Map.of("offered", a.behaviors().offered(), "cited", a.behaviors().cited()));
    }
    return m;
  }

  /**
   * {@code {"query", "mode", "hits":[{"rank","score","id","source","title","start","end",
   * "passage"}]}}.
   */
  public static Map<String, Object> search(String query, SearchMode mode, List<Hit> hits) {
    return search(query, mode, hits, null);
  }

  /**
   * Like {@link #search(String, SearchMode, List)}, each hit also with its {@code "relevance"}
   * (0–1, {@link dev.fathom.retrieval.search.Relevance}; {@code score} stays the mode's raw score)
   * and its {@code "path"} as the text output shows it.
   */
  public static Map<String, Object> search(
      String query, SearchMode mode, List<Hit> hits, Map<String, Double> relevance) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Hit h : hits) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rank", h.rank());
      if (relevance != null) m.put("relevance", relevance.getOrDefault(h.passage().id(), 0.0));
      m.put("score", h.score());
      m.put("id", h.passage().id());
      m.put("source", h.passage().source());
      if (relevance != null) m.put("path", SourcePaths.display(h.passage().source()));
      m.put("title", h.passage().title());
      m.put("start", h.passage().start());
      m.put("end", h.passage().end());
      m.put("passage", h.passage().text());
      out.add(m);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("query", query);
    root.put("mode", mode.label());
    root.put("hits", out);
    return root;
  }
}
