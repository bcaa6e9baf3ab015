package dev.fathom.compressors;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.embed.SentenceVectorSource;
import dev.fathom.retrieval.text.SentenceSplitter;
import dev.fathom.retrieval.text.TextSpan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RECOMP's extractive compressor (Xu, Shi and Choi, "RECOMP: Improving Retrieval-Augmented LMs with
 * Compression and Selective Augmentation", ICLR 2024, §3.1): split the top passages into sentences,
 * score each by the dot product of its embedding with the question's, and keep the best.
 *
 * <p>RECOMP trains its dual encoder on end-task signal; Fathom uses all-MiniLM-L6-v2 zero-shot and
 * adds to the cosine a bonus for the question's content terms that a sentence contains, which
 * raised the answer recall of the compressed evidence on squad-dev from 0.70 to 0.77
 * (docs/evaluation.md). Sentences are kept best-first until the token budget or the sentence cap is
 * reached, then put back in the order they have in their sources so the evidence reads naturally.
 *
 * <p><b>Retrieved text is data.</b> Sentences that address a language model ({@link
 * ModelDirectedText}: fake role markers, "ignore previous instructions", injected answers) are
 * demoted: they are kept only when no other sentence is relevant, so an injected sentence that
 * repeats the question's words cannot push the true answer sentence out (measured in
 * docs/security.md).
 *
 * <p><b>Selective augmentation</b> (RECOMP §3.3): when no sentence reaches {@link
 * Settings#threshold()}, the evidence is empty, and the answer says nothing relevant was found
 * rather than quoting noise.
 */
public final class ExtractiveCompressor implements ContextCompressor {

  /**
   * @param topPassages how many of the retrieved passages are read (RECOMP reads the top 5)
   * @param budgetTokens most model tokens kept (the best sentence may exceed it by half)
   * @param maxSentences most sentences kept
   * @param threshold least cosine similarity for a sentence to count as relevant
   * @param minSentenceChars shorter fragments (headings, list bullets) are not candidates
   * @param lexicalWeight weight of the question's content terms found in a sentence, added to the
   *     cosine similarity for ranking (0 = embeddings only)
   */
  public record Settings(
      int topPassages,
      int budgetTokens,
      int maxSentences,
      double threshold,
      int minSentenceChars,
      double lexicalWeight) {
    public Settings {
      if (!(lexicalWeight >= 0 && lexicalWeight <= 10)) {
        throw new IllegalArgumentException(
            "lexicalWeight must be in [0, 10], got " + lexicalWeight);
      }
      check("topPassages", topPassages, 1, 100);
      check("budgetTokens", budgetTokens, 1, 100_000);
      check("maxSentences", maxSentences, 1, 1000);
      check("minSentenceChars", minSentenceChars, 0, 10_000);
      if (!(threshold >= -1 && threshold <= 1)) {
        throw new IllegalArgumentException("threshold must be in [-1, 1], got " + threshold);
      }
    }

    private static void check(String name, int v, int lo, int hi) {
      if (v < lo || v > hi) {
        throw new IllegalArgumentException(name + " must be in [" + lo + ", " + hi + "], got " + v);
      }
    }

    public static Settings defaults() {
      return new Settings(5, 64, 3, 0.25, 12, 0.7);
    }
  }

  private final Embedder embedder;
  private final Settings settings;
  private final boolean demoteModelDirected;
  private final SentenceEmbeddings sentenceVectors;

  public ExtractiveCompressor(Embedder embedder, Settings settings) {
    this(embedder, settings, true);
  }

  /**
   * @param demoteModelDirected false turns off the demotion of sentences that address the model
   *     (only for measuring what it is worth)
   */
  public ExtractiveCompressor(Embedder embedder, Settings settings, boolean demoteModelDirected) {
    this(embedder, settings, demoteModelDirected, SentenceVectorSource.NONE);
  }

  /**
   * @param stored sentence vectors stored with the passages at ingest, used instead of embedding
   *     those sentences per question ({@link SentenceEmbeddings})
   */
  public ExtractiveCompressor(
      Embedder embedder,
      Settings settings,
      boolean demoteModelDirected,
      SentenceVectorSource stored) {
    this.embedder = embedder;
    this.settings = settings;
    this.demoteModelDirected = demoteModelDirected;
    this.sentenceVectors = new SentenceEmbeddings(embedder, stored);
  }

  public Settings settings() {
    return settings;
  }

  /** Whether sentences that address the model are demoted ({@link ModelDirectedText}). */
  public boolean demotes() {
    return demoteModelDirected;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The evidence carries every retrieved passage too (deduplicated by id, in rank order), the
   * long context of speculative answering.
   */
  @Override
  public Evidence compress(String question, List<Hit> hits) {
    Map<String, Passage> retrieved = new LinkedHashMap<>();
    for (Hit h : hits) retrieved.putIfAbsent(h.passage().id(), h.passage());
    return select(question, hits).withPassages(List.copyOf(retrieved.values()));
  }

  private Evidence select(String question, List<Hit> hits) {
    List<Candidate> candidates = candidates(hits);
    int inputTokens = 0;
    for (Hit h : hits.subList(0, Math.min(settings.topPassages(), hits.size()))) {
      inputTokens += embedder.countTokens(h.passage().text());
    }
    if (candidates.isEmpty()) return Evidence.none(question, inputTokens);

    float[] q = embedder.embed(question);
    List<float[]> vectors =
        sentenceVectors.of(candidates, c -> c.passage, c -> c.span, Candidate::text);
    // Rank by cosine plus a lexical bonus; judge relevance (selective augmentation) by cosine
    // alone, so a sentence that merely repeats the question's words cannot pass the threshold.
    double lexical = settings.lexicalWeight();
    Set<String> questionTerms = lexical > 0 ? Terms.of(question) : Set.of();
    for (int i = 0; i < candidates.size(); i++) {
      Candidate c = candidates.get(i);
      c.similarity = dot(q, vectors.get(i));
      c.score = c.similarity;
      if (!questionTerms.isEmpty()) {
        c.score += (float) (lexical * Terms.overlap(questionTerms, Terms.of(c.text())));
      }
      c.demoted = demoteModelDirected && ModelDirectedText.addressesTheModel(c.text());
    }
    List<Candidate> best = new ArrayList<>(candidates);
    best.sort(
        Comparator.comparing((Candidate c) -> c.demoted)
            .thenComparing(Comparator.comparingDouble((Candidate c) -> c.score).reversed()));
    boolean anyRelevant = best.stream().anyMatch(c -> c.similarity >= settings.threshold());
    if (!anyRelevant) return Evidence.none(question, inputTokens);
    boolean relevantPlainText =
        best.stream().anyMatch(c -> !c.demoted && c.similarity >= settings.threshold());

    List<Candidate> kept = new ArrayList<>();
    int tokens = 0;
    for (Candidate c : best) {
      if (kept.size() == settings.maxSentences()) break;
      if (c.similarity < settings.threshold()) continue;
      // A model-directed sentence fills a slot only when no plain sentence is relevant at all.
      if (c.demoted && relevantPlainText) continue;
      int t = embedder.countTokens(c.text());
      // A sentence that does not fit is passed over for shorter ones; only the best sentence may
      // exceed the budget, and then by at most half again, so one run-on "sentence" (a table, a
      // list without punctuation) cannot blow the budget.
      boolean fits = tokens + t <= settings.budgetTokens();
      boolean firstAndNearlyFits = kept.isEmpty() && t <= settings.budgetTokens() * 3 / 2;
      if (!fits && !firstAndNearlyFits) continue;
      kept.add(c);
      tokens += t;
    }
    kept.sort(
        Comparator.comparingInt((Candidate c) -> c.sourceOrder).thenComparingInt(c -> c.offset));
    List<EvidenceSentence> sentences = new ArrayList<>(kept.size());
    for (Candidate c : kept) {
      sentences.add(
          new EvidenceSentence(c.text(), c.passage, c.span.start(), c.span.end(), c.similarity));
    }
    return new Evidence(question, sentences, tokens, inputTokens);
  }

  /** Sentences of the top passages, each once (overlapping chunks repeat sentences). */
  private List<Candidate> candidates(List<Hit> hits) {
    Map<String, Integer> sourceOrder = new HashMap<>();
    Set<String> seen = new HashSet<>();
    List<Candidate> out = new ArrayList<>();
    for (Hit h : hits.subList(0, Math.min(settings.topPassages(), hits.size()))) {
      Passage p = h.passage();
      int order = sourceOrder.computeIfAbsent(p.source(), s -> sourceOrder.size());
      for (TextSpan span : SentenceSplitter.split(p.text())) {
        String text = span.of(p.text());
        if (text.length() < settings.minSentenceChars() || isMarkup(text)) continue;
        // Absolute offset in the source: sentences shared by overlapping passages dedupe here.
        int offset = p.start() + span.start();
        if (!seen.add(p.source() + '\u0000' + offset + '\u0000' + text)) continue;
        out.add(new Candidate(p, span, text, order, offset));
      }
    }
    return out;
  }

  /** Headings, table rows and code fences are layout, not sentences to show as evidence. */
  private static boolean isMarkup(String sentence) {
    return SentenceSplitter.isLayout(sentence); // shared with ingest, which stores their vectors
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  private static final class Candidate {
    final Passage passage;
    final TextSpan span;
    final String text;
    final int sourceOrder;
    final int offset;
    float similarity; // cosine of sentence and question embeddings
    float score; // similarity plus the lexical bonus: the ranking key
    boolean demoted; // addresses the model: ranked after every plain sentence

    Candidate(Passage passage, TextSpan span, String text, int sourceOrder, int offset) {
      this.passage = passage;
      this.span = span;
      this.text = text;
      this.sourceOrder = sourceOrder;
      this.offset = offset;
    }

    String text() {
      return text;
    }
  }
}
