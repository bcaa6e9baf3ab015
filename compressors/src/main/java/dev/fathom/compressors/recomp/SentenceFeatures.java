package dev.fathom.compressors.recomp;

import dev.fathom.compressors.Terms;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the trained compressor knows of a candidate sentence. RECOMP (Xu et al., ICLR 2024, §3.1)
 * fine-tunes a dual encoder; Fathom keeps all-MiniLM-L6-v2 frozen and learns, with gradient-boosted
 * trees, how to combine its cosine with the signals a question-answering reader uses to find the
 * answer sentence: the question's words and word pairs in the sentence (SQuAD questions paraphrase
 * their answer sentence, Rajpurkar et al. 2016), where the sentence lies, and whether it holds the
 * kind of thing the question asks for (a number, a year, a name the question does not already say).
 *
 * <p>Features relative to the other candidates (cosine minus the best cosine, rank) let one model
 * serve questions whose similarities sit at different levels. The list is stored with the model so
 * a model trained on other features is refused.
 */
public final class SentenceFeatures {

  /** Feature names, in column order. */
  public static final List<String> NAMES =
      List.of(
          "cos",
          "cos_minus_best",
          "cos_rank",
          "lexical",
          "lexical_minus_best",
          "lexical_terms",
          "pairs",
          "passage_rank",
          "index_in_passage",
          "words",
          "new_capitalised",
          "numbers",
          "has_year",
          "neighbour_cos",
          "passage_best_cos",
          "passage_lexical",
          "question_type",
          "question_terms",
          "weighted_lexical",
          "weighted_lexical_minus_best",
          "weighted_lexical_rank",
          "lexical_rank",
          "passage_score_share",
          "position_share",
          "window_weighted_lexical",
          "new_numbers",
          "has_month",
          "has_quantity_word",
          "answer_type",
          "answer_type_match",
          "novel_terms",
          "match_density");

  private static final Pattern YEAR = Pattern.compile("\\b(1[5-9]\\d\\d|20\\d\\d)\\b");
  private static final Pattern NUMBER = Pattern.compile("\\d");

  /** The question types whose answers look different (a year, a count, a name, a place). */
  private static final List<String> QUESTION_WORDS =
      List.of("when", "how many", "how much", "who", "where", "which", "what", "why", "how");

  private SentenceFeatures() {}

  public static int count() {
    return NAMES.size();
  }

  /**
   * Rows of features for {@code candidates}, row-major ({@code candidates.size() × count()}).
   *
   * @param similarity cosine of each candidate's embedding with the question's
   */
  public static float[] extract(
      String question, List<CandidateSentence> candidates, float[] similarity) {
    int n = candidates.size();
    if (similarity.length != n) {
      throw new IllegalArgumentException(
          "one similarity per candidate needed: " + n + " candidates, " + similarity.length);
    }
    List<String> qSeq = Terms.sequence(question);
    Set<String> qTerms = new HashSet<>(qSeq);
    Set<String> qPairs = pairs(qSeq);
    Set<String> qWords = words(question);
    float qType = questionType(question);
    int passages = 0;
    for (CandidateSentence c : candidates) passages = Math.max(passages, c.passageRank() + 1);
    float[] passageBest = new float[passages];
    java.util.Arrays.fill(passageBest, -1f);
    Set<String>[] passageTerms = newSets(passages);
    float[] lexical = new float[n];
    float[] pairShare = new float[n];
    int[] termHits = new int[n];
    List<Set<String>> sentenceTerms = new java.util.ArrayList<>(n);
    List<List<String>> sequences = new java.util.ArrayList<>(n);
    int[] inPassage = new int[passages];
    for (int i = 0; i < n; i++) {
      CandidateSentence c = candidates.get(i);
      List<String> seq = Terms.sequence(c.text());
      Set<String> terms = new HashSet<>(seq);
      sentenceTerms.add(terms);
      sequences.add(seq);
      inPassage[c.passageRank()]++;
      passageTerms[c.passageRank()].addAll(terms);
      passageBest[c.passageRank()] = Math.max(passageBest[c.passageRank()], similarity[i]);
      for (String t : qTerms) if (terms.contains(t)) termHits[i]++;
      lexical[i] = qTerms.isEmpty() ? 0 : (float) termHits[i] / qTerms.size();
      if (!qPairs.isEmpty()) {
        Set<String> p = pairs(seq);
        int hit = 0;
        for (String pair : qPairs) if (p.contains(pair)) hit++;
        pairShare[i] = (float) hit / qPairs.size();
      }
    }
    // Question terms weighted by how rare they are among the candidates (an IDF over the top
    // passages' sentences): the sentence that shares the question's rare words, not its common
    // ones, is the one the question was written from.
    java.util.Map<String, Double> idf = new java.util.HashMap<>();
    double idfTotal = 0;
    for (String t : qTerms) {
      int df = 0;
      for (Set<String> st : sentenceTerms) if (st.contains(t)) df++;
      double w = Math.log(1 + (n + 1.0) / (df + 0.5));
      idf.put(t, w);
      idfTotal += w;
    }
    float[] weighted = new float[n];
    for (int i = 0; i < n; i++) {
      double sum = 0;
      for (String t : qTerms) if (sentenceTerms.get(i).contains(t)) sum += idf.get(t);
      weighted[i] = idfTotal == 0 ? 0 : (float) (sum / idfTotal);
    }
    // The same weighted share over the sentence and its neighbours in the passage: a question may
    // take its words from the sentence before the answer's (coreference, "It was built in 1889").
    float[] window = new float[n];
    for (int i = 0; i < n; i++) {
      Set<String> w = new HashSet<>(sentenceTerms.get(i));
      for (int j : new int[] {i - 1, i + 1}) {
        if (j >= 0 && j < n && candidates.get(j).passageRank() == candidates.get(i).passageRank()) {
          w.addAll(sentenceTerms.get(j));
        }
      }
      double sum = 0;
      for (String t : qTerms) if (w.contains(t)) sum += idf.get(t);
      window[i] = idfTotal == 0 ? 0 : (float) (sum / idfTotal);
    }
    float topScore = n == 0 ? 0 : candidates.get(0).passageScore();
    int aType = AnswerType.of(question);
    float bestWeighted = max(weighted);
    float bestCos = max(similarity);
    float bestLexical = max(lexical);
    int f = count();
    float[] x = new float[n * f];
    for (int i = 0; i < n; i++) {
      CandidateSentence c = candidates.get(i);
      int rank = rankOf(similarity, i);
      float neighbour = -1f;
      for (int j : new int[] {i - 1, i + 1}) {
        if (j >= 0 && j < n && candidates.get(j).passageRank() == c.passageRank()) {
          neighbour = Math.max(neighbour, similarity[j]);
        }
      }
      int at = i * f;
      x[at] = similarity[i];
      x[at + 1] = similarity[i] - bestCos;
      x[at + 2] = rank;
      x[at + 3] = lexical[i];
      x[at + 4] = lexical[i] - bestLexical;
      x[at + 5] = termHits[i];
      x[at + 6] = pairShare[i];
      x[at + 7] = c.passageRank();
      x[at + 8] = c.index();
      x[at + 9] = c.text().split("\\s+").length;
      x[at + 10] = newCapitalised(c.text(), qWords);
      x[at + 11] = NUMBER.matcher(c.text()).results().count();
      x[at + 12] = YEAR.matcher(c.text()).find() ? 1 : 0;
      x[at + 13] = neighbour;
      x[at + 14] = passageBest[c.passageRank()];
      x[at + 15] = (float) Terms.overlap(qTerms, passageTerms[c.passageRank()]);
      x[at + 16] = qType;
      x[at + 17] = qTerms.size();
      x[at + 18] = weighted[i];
      x[at + 19] = weighted[i] - bestWeighted;
      x[at + 20] = rankOf(weighted, i);
      x[at + 21] = rankOf(lexical, i);
      x[at + 22] = topScore > 0 ? c.passageScore() / topScore : 0;
      x[at + 23] = (float) c.index() / inPassage[c.passageRank()];
      x[at + 24] = window[i];
      int newNumbers = AnswerType.newNumbers(c.text(), question);
      x[at + 25] = newNumbers;
      boolean month = AnswerType.hasMonth(c.text());
      x[at + 26] = month ? 1 : 0;
      x[at + 27] = AnswerType.hasQuantity(c.text()) ? 1 : 0;
      x[at + 28] = aType;
      x[at + 29] =
          switch (aType) {
            case 1 -> x[at + 12] > 0 || month ? 1 : 0;
            case 2 -> newNumbers > 0 || x[at + 27] > 0 ? 1 : 0;
            case 3, 4 -> x[at + 10] > 0 ? 1 : 0;
            default -> 0;
          };
      int novel = 0;
      for (String t : sentenceTerms.get(i)) if (!qTerms.contains(t)) novel++;
      x[at + 30] = novel;
      x[at + 31] = matchDensity(sequences.get(i), qTerms);
    }
    return x;
  }

  /**
   * Index of the first question word in {@link #QUESTION_WORDS} the question uses, else their
   * count.
   */
  static float questionType(String question) {
    String q = " " + question.toLowerCase(Locale.ROOT).replaceAll("[^a-z ]", " ") + " ";
    for (int i = 0; i < QUESTION_WORDS.size(); i++) {
      if (q.contains(" " + QUESTION_WORDS.get(i) + " ")) return i;
    }
    return QUESTION_WORDS.size();
  }

  /** Matched question terms over the length of the shortest run of the sentence holding them. */
  static float matchDensity(List<String> seq, Set<String> qTerms) {
    int first = -1, last = -1, hits = 0;
    for (int i = 0; i < seq.size(); i++) {
      if (qTerms.contains(seq.get(i))) {
        if (first < 0) first = i;
        last = i;
        hits++;
      }
    }
    return hits == 0 ? 0 : (float) hits / (last - first + 1);
  }

  /** Capitalised words (names, places) of the sentence, past its first word, the question lacks. */
  static int newCapitalised(String sentence, Set<String> questionWords) {
    String[] ws = sentence.split("[^\\p{L}\\p{N}]+");
    int count = 0;
    for (int i = 1; i < ws.length; i++) {
      String w = ws[i];
      if (!w.isEmpty()
          && Character.isUpperCase(w.charAt(0))
          && !questionWords.contains(w.toLowerCase(Locale.ROOT))) {
        count++;
      }
    }
    return count;
  }

  static Set<String> words(String text) {
    Set<String> out = new HashSet<>();
    for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (!w.isEmpty()) out.add(w);
    }
    return out;
  }

  static Set<String> pairs(List<String> seq) {
    Set<String> out = new HashSet<>();
    for (int i = 1; i < seq.size(); i++) out.add(seq.get(i - 1) + ' ' + seq.get(i));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Set<String>[] newSets(int n) {
    Set<String>[] out = new Set[n];
    for (int i = 0; i < n; i++) out[i] = new HashSet<>();
    return out;
  }

  /** How many values are greater than {@code xs[i]} (0 = the best). */
  static int rankOf(float[] xs, int i) {
    int rank = 0;
    for (float v : xs) if (v > xs[i]) rank++;
    return rank;
  }

  static float max(float[] xs) {
    float m = xs.length == 0 ? 0 : Float.NEGATIVE_INFINITY;
    for (float v : xs) m = Math.max(m, v);
    return m;
  }
}
