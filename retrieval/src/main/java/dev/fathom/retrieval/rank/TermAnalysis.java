package dev.fathom.retrieval.rank;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.text.AnalysedTerms;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;

/**
 * The analysed terms the fusion ranker's lexical features compare: a question's and each
 * candidate's (title, sentences, whole text), with English stemming and stop words as the BM25
 * field has them. A candidate's terms are cached by id and content, since re-analysing text is most
 * of the features' cost and the same passages come back question after question.
 */
final class TermAnalysis {

  private static final Pattern SENTENCE = Pattern.compile("(?<=[.!?])\\s+");
  private static final Pattern WORD = Pattern.compile("\\s+");

  /** Passages whose analysed terms are kept: re-analysing text is most of the features' cost. */
  private static final int CACHED_PASSAGES = 20_000;

  private final Analyzer analyzer = new EnglishAnalyzer();
  private final Map<String, PassageTerms> cache =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PassageTerms> eldest) {
          return size() > CACHED_PASSAGES;
        }
      };

  /** The terms of {@code p}, from the cache when its id, text and title were analysed before. */
  PassageTerms passageTerms(Passage p) {
    String key = p.id() + '\u0000' + p.text().hashCode() + '\u0000' + p.title().hashCode();
    synchronized (cache) {
      PassageTerms cached = cache.get(key);
      if (cached != null) return cached;
    }
    List<List<String>> sentences = new ArrayList<>();
    for (String s : SENTENCE.split(p.text())) sentences.add(tokens(s));
    String stripped = p.text().strip();
    int words = stripped.isEmpty() ? 0 : WORD.split(stripped).length;
    PassageTerms pt = PassageTerms.of(tokens(p.title()), sentences, tokens(p.text()), words);
    synchronized (cache) {
      cache.put(key, pt);
    }
    return pt;
  }

  /** The distinct analysed terms of {@code text}, as the BM25 field sees them. */
  Set<String> terms(String text) {
    return new HashSet<>(tokens(text));
  }

  /** The analysed terms of {@code text} in order (stop words removed, so pairs span them). */
  List<String> tokens(String text) {
    return AnalysedTerms.tokens(analyzer, "f", text);
  }
}
