package dev.fathom.compressors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/** Content terms of a text as BM25 sees them: English analysis (stop words out, stemmed). */
final class Terms {
  private static final Analyzer ANALYZER = new EnglishAnalyzer();

  private Terms() {}

  static Set<String> of(String text) {
    Set<String> out = new HashSet<>();
    try (TokenStream ts = ANALYZER.tokenStream("t", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) out.add(term.toString());
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Fraction of {@code question} terms that {@code sentence} contains. */
  static double overlap(Set<String> question, Set<String> sentence) {
    if (question.isEmpty()) return 0;
    int hit = 0;
    for (String t : question) if (sentence.contains(t)) hit++;
    return (double) hit / question.size();
  }
}
