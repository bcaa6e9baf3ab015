package dev.fathom.compressors.recomp;

import dev.fathom.compressors.Terms;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the trained compressor knows of a {@link CandidateSpan}: its sentence's {@link
 * SentenceFeatures} (the MiniLM cosine stays per sentence), then the same surface signals computed
 * on the span itself, and where the span lies in its sentence. The answer of a SQuAD question
 * usually sits next to the question's words, not among them (Rajpurkar et al. 2016): the trees see
 * how much of the sentence's match the span holds, how much its sibling spans hold, and whether the
 * span holds the kind of thing the question asks for.
 *
 * <p>The list is stored with the model, so a model trained on other features is refused.
 */
public final class SpanFeatures {

  /** The span's own columns, after the sentence's. */
  private static final List<String> SPAN_NAMES =
      List.of(
          "span_lexical",
          "span_weighted_lexical",
          "span_weighted_minus_best",
          "span_weighted_rank",
          "span_share_of_sentence_match",
          "span_rest_weighted",
          "span_neighbour_weighted",
          "span_pairs",
          "span_words",
          "span_word_share",
          "span_new_capitalised",
          "span_numbers",
          "span_has_year",
          "span_new_numbers",
          "span_has_month",
          "span_has_quantity",
          "span_answer_type_match",
          "span_novel_terms",
          "span_match_density",
          "span_piece",
          "span_pieces",
          "span_piece_share",
          "span_opening_word");

  /** Feature names, in column order: the sentence's, then the span's. */
  public static final List<String> NAMES =
      Stream.of(SentenceFeatures.NAMES, SPAN_NAMES, SpanContext.NAMES)
          .flatMap(List::stream)
          .toList();

  /** Opening words by the kind of clause they start, the class being the index + 1. */
  private static final List<Set<String>> OPENINGS =
      List.of(
          Set.of("which", "who", "whom", "whose", "that", "whereby"),
          Set.of("when", "while", "until", "after", "before", "since", "during"),
          Set.of("where", "in", "at", "from", "near"),
          Set.of("because", "as", "so", "due"),
          Set.of("but", "although", "though", "whereas", "however", "unless"),
          Set.of("and", "or"),
          Set.of("(", "["));

  private SpanFeatures() {}

  public static int count() {
    return NAMES.size();
  }

  /**
   * Rows of features for {@code spans}, row-major ({@code spans.size() × count()}).
   *
   * @param sentences the candidate sentences the spans were cut from
   * @param similarity cosine of each sentence's embedding with the question's
   */
  public static float[] extract(
      String question,
      List<CandidateSentence> sentences,
      float[] similarity,
      List<CandidateSpan> spans) {
    return extract(question, sentences, similarity, spans, new TextFacts.Cache(spans.size() + 1));
  }

  /** {@link #extract(String, List, float[], List)} with the spans' text facts remembered. */
  static float[] extract(
      String question,
      List<CandidateSentence> sentences,
      float[] similarity,
      List<CandidateSpan> spans,
      TextFacts.Cache cache) {
    float[] sentence = SentenceFeatures.extract(question, sentences, similarity);
    int sf = SentenceFeatures.count();
    int n = spans.size();
    Set<String> qTerms = new HashSet<>(Terms.sequence(question));
    Set<String> qPairs = SentenceFeatures.pairs(Terms.sequence(question));
    Set<String> qWords = SentenceFeatures.words(question);
    List<TextFacts> facts = new ArrayList<>(n);
    List<Set<String>> terms = new ArrayList<>(n);
    List<Set<String>> sentenceTerms = new ArrayList<>();
    for (int i = 0; i < sentences.size(); i++) sentenceTerms.add(new HashSet<>());
    for (CandidateSpan s : spans) {
      TextFacts f = cache.of(s.text());
      facts.add(f);
      terms.add(f.terms());
      sentenceTerms.get(s.sentenceIndex()).addAll(f.terms());
    }
    // Question terms weighted by rarity among the candidate sentences, as for sentences.
    Map<String, Double> idf = new HashMap<>();
    double idfTotal = 0;
    for (String t : qTerms) {
      int df = 0;
      for (Set<String> st : sentenceTerms) if (st.contains(t)) df++;
      double w = Math.log(1 + (sentences.size() + 1.0) / (df + 0.5));
      idf.put(t, w);
      idfTotal += w;
    }
    float[] weighted = new float[n];
    float[] sentenceWeighted = new float[sentences.size()];
    for (int i = 0; i < n; i++) weighted[i] = share(terms.get(i), qTerms, idf, idfTotal);
    for (int s = 0; s < sentences.size(); s++) {
      sentenceWeighted[s] = share(sentenceTerms.get(s), qTerms, idf, idfTotal);
    }
    float best = SentenceFeatures.max(weighted);
    int aType = AnswerType.of(question);
    float[] capitalisedOf = new float[n];
    boolean[] typeMatch = new boolean[n];
    for (int i = 0; i < n; i++) {
      TextFacts t = facts.get(i);
      // A span that starts its sentence has a capital first word; a later span's counts.
      capitalisedOf[i] = t.newCapitalised(spans.get(i).first(), qWords);
      typeMatch[i] =
          switch (aType) {
            case 1 -> t.year() || t.month();
            case 2 -> t.newNumbers(question) > 0 || t.quantity();
            case 3, 4 -> capitalisedOf[i] > 0;
            default -> false;
          };
    }
    float[] context =
        SpanContext.extract(
            question,
            spans,
            facts,
            qTerms,
            idf,
            idfTotal,
            weighted,
            capitalisedOf,
            typeMatch,
            text -> cache.of(text).answerWords());
    int contextAt = sf + SPAN_NAMES.size();
    int cf = SpanContext.NAMES.size();
    int f = count();
    float[] x = new float[n * f];
    for (int i = 0; i < n; i++) {
      CandidateSpan s = spans.get(i);
      TextFacts t = facts.get(i);
      int at = i * f;
      System.arraycopy(context, i * cf, x, at + contextAt, cf);
      System.arraycopy(sentence, s.sentenceIndex() * sf, x, at, sf);
      at += sf;
      Set<String> rest = new HashSet<>();
      float neighbour = 0;
      for (int j = i - s.piece(); j < i - s.piece() + s.pieces(); j++) {
        if (j == i) continue;
        rest.addAll(terms.get(j));
        if (Math.abs(j - i) == 1) neighbour = Math.max(neighbour, weighted[j]);
      }
      rest.removeAll(terms.get(i));
      int hits = 0;
      for (String q : qTerms) if (terms.get(i).contains(q)) hits++;
      int words = t.words();
      int sentenceWords = cache.of(s.sentence().text()).words();
      float capitalised = capitalisedOf[i];
      boolean year = t.year();
      int newNumbers = t.newNumbers(question);
      boolean month = t.month();
      boolean quantity = t.quantity();
      x[at] = qTerms.isEmpty() ? 0 : (float) hits / qTerms.size();
      x[at + 1] = weighted[i];
      x[at + 2] = weighted[i] - best;
      x[at + 3] = SentenceFeatures.rankOf(weighted, i);
      float whole = sentenceWeighted[s.sentenceIndex()];
      x[at + 4] = whole == 0 ? 0 : weighted[i] / whole;
      x[at + 5] = share(rest, qTerms, idf, idfTotal);
      x[at + 6] = neighbour;
      x[at + 7] = pairShare(t.pairs(), qPairs);
      x[at + 8] = words;
      x[at + 9] = (float) words / sentenceWords;
      x[at + 10] = capitalised;
      x[at + 11] = t.digits();
      x[at + 12] = year ? 1 : 0;
      x[at + 13] = newNumbers;
      x[at + 14] = month ? 1 : 0;
      x[at + 15] = quantity ? 1 : 0;
      x[at + 16] = typeMatch[i] ? 1 : 0;
      int novel = 0;
      for (String w : terms.get(i)) if (!qTerms.contains(w)) novel++;
      x[at + 17] = novel;
      x[at + 18] = SentenceFeatures.matchDensity(t.sequence(), qTerms);
      x[at + 19] = s.piece();
      x[at + 20] = s.pieces();
      x[at + 21] = s.pieces() == 1 ? 0 : (float) s.piece() / (s.pieces() - 1);
      x[at + 22] = t.opening();
    }
    return x;
  }

  /** The class of the span's first word (see {@link #OPENINGS}), 0 for none of them. */
  static int opening(String span) {
    String first = span.startsWith("(") || span.startsWith("[") ? span.substring(0, 1) : null;
    if (first == null) {
      int end = 0;
      while (end < span.length() && Character.isLetter(span.charAt(end))) end++;
      first = span.substring(0, end).toLowerCase(Locale.ROOT);
    }
    for (int k = 0; k < OPENINGS.size(); k++) if (OPENINGS.get(k).contains(first)) return k + 1;
    return 0;
  }

  private static float share(
      Set<String> terms, Set<String> qTerms, Map<String, Double> idf, double idfTotal) {
    if (idfTotal == 0) return 0;
    double sum = 0;
    for (String t : qTerms) if (terms.contains(t)) sum += idf.get(t);
    return (float) (sum / idfTotal);
  }

  private static float pairShare(Set<String> p, Set<String> qPairs) {
    if (qPairs.isEmpty()) return 0;
    int hit = 0;
    for (String pair : qPairs) if (p.contains(pair)) hit++;
    return (float) hit / qPairs.size();
  }
}
