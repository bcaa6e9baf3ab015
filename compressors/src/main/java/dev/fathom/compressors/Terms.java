package dev.fathom.compressors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/** Content terms of a text as BM25 sees them: English analysis (stop words out, stemmed). */
public final class Terms {
  private static final Analyzer ANALYZER = new EnglishAnalyzer();

  private Terms() {}

  /** The distinct content terms of {@code text}. */
  public static Set<String> of(String text) {
    return new HashSet<>(sequence(text));
  }

  /** The content terms of {@code text} in reading order, repeats kept (for word pairs). */
  public static List<String> sequence(String text) {
    List<String> out = new ArrayList<>();
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
  public static double overlap(Set<String> question, Set<String> sentence) {
    if (question.isEmpty()) return 0;
    int hit = 0;
    for (String t : question) if (sentence.contains(t)) hit++;
    return (double) hit / question.size();
  }
}
