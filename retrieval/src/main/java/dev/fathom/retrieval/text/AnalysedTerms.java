package dev.fathom.retrieval.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Text as a Lucene {@link Analyzer} turns it into index terms (for Fathom's English analyser:
 * lower-cased, stop words removed, Porter-stemmed), so a question's terms match the BM25 field's.
 * One place for the token-stream protocol ({@code reset}, {@code incrementToken}, {@code end},
 * {@code close}) that the BM25 queries of both index back ends and the fusion ranker's lexical
 * features follow.
 */
public final class AnalysedTerms {
  private AnalysedTerms() {}

  /** Every analysed term of {@code text} in order, repeats kept, as {@code field} indexes it. */
  public static List<String> tokens(Analyzer analyzer, String field, String text) {
    List<String> out = new ArrayList<>();
    read(analyzer, field, text, Integer.MAX_VALUE, out);
    return out;
  }

  /**
   * The first {@code max} distinct analysed terms of {@code text}, in order of first occurrence;
   * reading stops there, so a huge text costs no more than its first {@code max} terms.
   */
  public static Set<String> distinct(Analyzer analyzer, String field, String text, int max) {
    if (max < 1) throw new IllegalArgumentException("max must be >= 1, got " + max);
    Set<String> out = new LinkedHashSet<>();
    read(analyzer, field, text, max, out);
    return out;
  }

  private static void read(
      Analyzer analyzer, String field, String text, int max, java.util.Collection<String> out) {
    try (TokenStream ts = analyzer.tokenStream(field, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (out.size() < max && ts.incrementToken()) out.add(term.toString());
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
