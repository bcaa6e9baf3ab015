package dev.fathom.retrieval.eval;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.embed.SentenceVectors;
import dev.fathom.retrieval.index.FileRecord;
import dev.fathom.retrieval.index.PassageStore;
import dev.fathom.retrieval.search.Retriever;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Runs a BEIR dataset through BM25, dense and hybrid retrieval and averages the ranking metrics.
 * Corpus documents are the retrieval unit, as in BEIR: each is indexed as one passage (title and
 * text), so the scores compare with published BEIR numbers.
 */
public final class RetrievalEvaluation {

  /** The metrics reported, in this order. */
  public static final List<String> METRICS =
      List.of("ndcg@10", "mrr@10", "recall@5", "recall@10", "recall@100");

  /** Results retrieved per query (the deepest cut-off of {@link #METRICS}). */
  public static final int DEPTH = 100;

  private RetrievalEvaluation() {}

  /**
   * Indexes every corpus document of {@code dataset} as one passage and commits.
   *
   * @param progress told the number of documents indexed so far
   */
  public static void index(
      BeirDataset dataset, PassageStore index, Embedder embedder, int batch, IntConsumer progress) {
    index(dataset, index, embedder, batch, false, progress);
  }

  /**
   * Like {@link #index(BeirDataset, PassageStore, Embedder, int, IntConsumer)}; with {@code
   * sentenceVectors} (and a store that keeps them) each passage also stores the vectors of its
   * sentences, as {@code fathom ingest} does, for the compression evaluation.
   */
  public static void index(
      BeirDataset dataset,
      PassageStore index,
      Embedder embedder,
      int batch,
      boolean sentenceVectors,
      IntConsumer progress) {
    boolean withSentences = sentenceVectors && index.storesSentenceVectors();
    List<BeirDataset.CorpusDoc> docs = dataset.corpus();
    for (int from = 0; from < docs.size(); from += batch) {
      List<BeirDataset.CorpusDoc> part = docs.subList(from, Math.min(docs.size(), from + batch));
      List<String> texts = new ArrayList<>(part.size());
      for (BeirDataset.CorpusDoc d : part) texts.add(d.title() + "\n" + d.text());
      List<float[]> vectors = embedder.embedAll(texts);
      List<Passage> ps = new ArrayList<>(part.size());
      for (BeirDataset.CorpusDoc d : part) {
        ps.add(new Passage(d.id(), d.id(), d.title(), d.text(), 0, d.text().length()));
      }
      List<SentenceVectors> sentences = withSentences ? SentenceVectors.embed(embedder, ps) : null;
      for (int i = 0; i < part.size(); i++) {
        Passage p = ps.get(i);
        FileRecord r = new FileRecord(p.id(), "corpus", "-", 1);
        if (sentences == null) {
          index.replaceSource(r, List.of(p), List.of(vectors.get(i)));
        } else {
          index.replaceSource(r, List.of(p), List.of(vectors.get(i)), List.of(sentences.get(i)));
        }
      }
      progress.accept(from + part.size());
    }
    index.commit();
  }

  /**
   * Scores every query in every mode.
   *
   * @param progress told the number of queries evaluated so far
   * @return mode → metric → mean over queries
   */
  public static Map<SearchMode, Map<String, Double>> evaluate(
      BeirDataset dataset, Retriever retriever, Embedder embedder, IntConsumer progress) {
    Map<SearchMode, MetricSummary> summaries = new EnumMap<>(SearchMode.class);
    for (SearchMode m : SearchMode.values()) summaries.put(m, MetricSummary.of(METRICS));
    List<BeirDataset.Query> queries = dataset.queries();
    List<float[]> vectors =
        embedder.embedAll(queries.stream().map(BeirDataset.Query::text).toList());
    for (int i = 0; i < queries.size(); i++) {
      BeirDataset.Query q = queries.get(i);
      Map<String, Integer> qrels = dataset.qrels(q.id());
      for (SearchMode m : SearchMode.values()) {
        List<Hit> hits = retriever.search(q.text(), vectors.get(i), m, DEPTH);
        summaries.get(m).add(hits.stream().map(h -> h.passage().source()).toList(), qrels);
      }
      progress.accept(i + 1);
    }
    Map<SearchMode, Map<String, Double>> out = new EnumMap<>(SearchMode.class);
    summaries.forEach((m, s) -> out.put(m, new LinkedHashMap<>(s.means())));
    return out;
  }
}
