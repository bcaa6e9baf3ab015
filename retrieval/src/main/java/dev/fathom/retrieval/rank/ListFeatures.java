package dev.fathom.retrieval.rank;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.embed.SentenceVectors;
import java.util.List;
import java.util.Map;

/**
 * Features that read the question's vector against each candidate's stored sentence vectors, and
 * features normalised within the question's candidate list.
 *
 * <ul>
 *   <li><b>Sentence-level dense match</b>: the largest cosine between the question and one sentence
 *       of the passage (the sentence vectors stored at ingest, {@link SentenceVectors}), alone and
 *       minus the best candidate's. A passage embedding averages its sentences, so a passage whose
 *       one sentence answers the question can sit below passages that are about the topic
 *       throughout; the max over sentences is the dense analogue of the best-sentence coverage and
 *       of passage-level evidence taken as the best part (Callan, "Passage-level evidence in
 *       document retrieval", SIGIR 1994; MaxP in Dai and Callan, SIGIR 2019).
 *   <li><b>Z-scores within the list</b>: a retrieval score minus the candidates' mean, over their
 *       standard deviation. BM25's scale moves with the question's length and its terms' idf, and
 *       cosines with the embedding model; a z-score says how far a candidate stands out from the
 *       others for this question, the same on both datasets (the score normalisation of Montague
 *       and Aslam, "Relevance score normalization for metasearch", CIKM 2001).
 *   <li><b>Title votes</b>: how strongly the other top candidates share this candidate's title (Σ
 *       1/rank over those of the top {@value #VOTERS} with the same non-blank title). Passages of
 *       one document or article share a title; when several of the top candidates come from one
 *       article, the question is probably about that article (document-level evidence for passages,
 *       as in Callan 1994, and the cluster hypothesis).
 *   <li><b>Answer type</b>: a question asking for a number or a date (how many, when, what year…)
 *       is answered by a sentence holding one; +1 when the candidate's best sentence (by
 *       idf-weighted coverage) holds a number the question does not, −1 when it holds none, 0 for
 *       other questions (the answer-type matching of factoid QA; Prager et al., "Question-answering
 *       by predictive annotation", SIGIR 2000).
 * </ul>
 */
final class ListFeatures {

  /** Candidates whose titles vote. */
  static final int VOTERS = 10;

  private static final java.util.regex.Pattern NUMERIC =
      java.util.regex.Pattern.compile(
          "\\b(how (many|much|long|old|far|large|big|tall|high|often|fast)|when|"
              + "(what|which|in what|in which) (year|years|date|century|decade|percentage|percent"
              + "|number|age|month|day|time period))\\b");

  private ListFeatures() {}

  /** Writes title_votes into column {@code at} of the row-major {@code x}. */
  static void fillTitleVotes(float[] x, int stride, int at, List<Hit> candidates) {
    int top = Math.min(VOTERS, candidates.size());
    for (int i = 0; i < candidates.size(); i++) {
      String title = candidates.get(i).passage().title().strip();
      float votes = 0;
      if (!title.isEmpty()) {
        for (int j = 0; j < top; j++) {
          if (j != i && title.equals(candidates.get(j).passage().title().strip())) {
            votes += 1f / (j + 1);
          }
        }
      }
      x[i * stride + at] = votes;
    }
  }

  /** Whether the question asks for a number or a date. */
  static boolean asksForNumber(String question) {
    return NUMERIC.matcher(question.toLowerCase(java.util.Locale.ROOT)).find();
  }

  /**
   * Writes answer_type into column {@code at}: 0 unless {@code numeric}; then +1 when the
   * candidate's best sentence by idf-weighted coverage of {@code weights} holds a term with a digit
   * that the question lacks, else −1.
   */
  static void fillAnswerType(
      float[] x,
      int stride,
      int at,
      boolean numeric,
      List<PassageTerms> candidates,
      Map<String, Double> weights) {
    for (int i = 0; i < candidates.size(); i++) {
      float v = 0;
      if (numeric) {
        PassageTerms pt = candidates.get(i);
        float best = -1;
        java.util.Set<String> sentence = java.util.Set.of();
        for (java.util.Set<String> s : pt.sentences()) {
          float c = RetrievalFeatures.coverage(weights, s);
          if (c > best) {
            best = c;
            sentence = s;
          }
        }
        v = -1;
        for (String t : sentence) {
          if (!weights.containsKey(t) && hasDigit(t)) {
            v = 1;
            break;
          }
        }
      }
      x[i * stride + at] = v;
    }
  }

  private static boolean hasDigit(String term) {
    for (int i = 0; i < term.length(); i++) if (Character.isDigit(term.charAt(i))) return true;
    return false;
  }

  /**
   * Writes sentence_cos and sentence_cos_gap into columns {@code at} and {@code at + 1} of the
   * row-major {@code x} ({@code stride} columns). A candidate without stored sentence vectors (or
   * every candidate when the question's vector is unknown) falls back to its passage-level cosine,
   * column {@code denseColumn}: the passage vector is the mean-pooled text, the closest stand-in.
   *
   * @param query the question's unit vector (null: unknown)
   * @param sentences stored sentence vectors by passage id (unit vectors)
   */
  static void fillSentences(
      float[] x,
      int stride,
      int at,
      int denseColumn,
      List<Hit> candidates,
      float[] query,
      Map<String, SentenceVectors> sentences) {
    int n = candidates.size();
    float best = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      int o = i * stride;
      float v = x[o + denseColumn];
      SentenceVectors sv = query == null ? null : sentences.get(candidates.get(i).passage().id());
      if (sv != null && !sv.vectors().isEmpty()) {
        v = Float.NEGATIVE_INFINITY;
        for (float[] s : sv.vectors()) {
          if (s.length == query.length) v = Math.max(v, FeedbackFeatures.dot(query, s));
        }
        if (v == Float.NEGATIVE_INFINITY) v = x[o + denseColumn];
      }
      x[o + at] = v;
      best = Math.max(best, v);
    }
    for (int i = 0; i < n; i++) x[i * stride + at + 1] = x[i * stride + at] - best;
  }

  /**
   * Writes the z-score of column {@code from[j]} into column {@code to[j]} for every j: (value −
   * mean) / standard deviation over the candidates, 0 when all candidates score alike.
   */
  static void fillZScores(float[] x, int stride, int n, int[] from, int[] to) {
    for (int j = 0; j < from.length; j++) {
      double sum = 0;
      double sq = 0;
      for (int i = 0; i < n; i++) {
        double v = x[i * stride + from[j]];
        sum += v;
        sq += v * v;
      }
      double mean = n == 0 ? 0 : sum / n;
      double var = n == 0 ? 0 : Math.max(0, sq / n - mean * mean);
      double sd = Math.sqrt(var);
      for (int i = 0; i < n; i++) {
        double v = x[i * stride + from[j]];
        x[i * stride + to[j]] = sd < 1e-9 ? 0 : (float) ((v - mean) / sd);
      }
    }
  }
}
