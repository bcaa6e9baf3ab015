package dev.fathom.retrieval.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A test collection in the BEIR layout: {@code corpus.jsonl}, {@code queries.jsonl} and {@code
 * qrels/test.tsv} in one folder.
 *
 * <p>Only queries with at least one relevant document (grade &gt; 0) are exposed by {@link
 * #queries()}: BEIR's {@code GenericDataLoader} drops the others too, and a query with nothing to
 * find would score 0 on every metric and only dilute the mean.
 */
public final class BeirDataset {

  /**
   * One document of the corpus.
   *
   * @param id the {@code _id}
   * @param title the title, empty when the line has none
   * @param text the body text
   */
  public record CorpusDoc(String id, String title, String text) {
    public CorpusDoc {
      requireId(id, "corpus doc");
      Objects.requireNonNull(title, "title of corpus doc " + id);
      Objects.requireNonNull(text, "text of corpus doc " + id);
    }
  }

  /**
   * One query.
   *
   * @param id the {@code _id}
   * @param text the query text
   * @param answers gold answer strings (SQuAD-style collections); empty when the collection has
   *     none
   */
  public record Query(String id, String text, List<String> answers) {
    public Query {
      requireId(id, "query");
      Objects.requireNonNull(text, "text of query " + id);
      answers = List.copyOf(Objects.requireNonNull(answers, "answers of query " + id));
    }
  }

  static final String CORPUS = "corpus.jsonl";
  static final String QUERIES = "queries.jsonl";
  static final String QRELS = "qrels/test.tsv";

  private final List<CorpusDoc> corpus;
  private final Map<String, CorpusDoc> byId;
  private final List<Query> queries;
  private final Map<String, Map<String, Integer>> qrels;

  BeirDataset(
      List<CorpusDoc> corpus,
      Map<String, CorpusDoc> byId,
      List<Query> queries,
      Map<String, Map<String, Integer>> qrels) {
    this.corpus = List.copyOf(corpus);
    this.byId = Map.copyOf(byId);
    this.qrels = Map.copyOf(qrels);
    this.queries = queries.stream().filter(q -> hasRelevant(this.qrels.get(q.id()))).toList();
  }

  /**
   * Reads a BEIR-layout folder.
   *
   * @throws IllegalArgumentException when the folder or one of its three files is missing, or a
   *     line is malformed (the message names the file and the 1-based line number)
   * @throws java.io.UncheckedIOException when a file cannot be read
   */
  public static BeirDataset load(Path dir) {
    Objects.requireNonNull(dir, "dir");
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "BEIR dataset folder not found: "
              + dir.toAbsolutePath()
              + " (expected a folder holding "
              + CORPUS
              + ", "
              + QUERIES
              + " and "
              + QRELS
              + ")");
    }
    return BeirReader.read(dir);
  }

  /** All corpus documents, in file order. */
  public List<CorpusDoc> corpus() {
    return corpus;
  }

  /**
   * The corpus document with this id.
   *
   * @throws IllegalArgumentException when the corpus has no such document
   */
  public CorpusDoc doc(String id) {
    CorpusDoc doc = byId.get(id);
    if (doc == null) {
      throw new IllegalArgumentException("no corpus doc with id '" + id + "'");
    }
    return doc;
  }

  /** The queries that have at least one judged document with grade &gt; 0, in file order. */
  public List<Query> queries() {
    return queries;
  }

  /**
   * The judgements of one query: doc id to graded relevance, including grades &le; 0 as judged.
   * Empty for a query without judgements.
   */
  public Map<String, Integer> qrels(String queryId) {
    return qrels.getOrDefault(Objects.requireNonNull(queryId, "queryId"), Map.of());
  }

  private static boolean hasRelevant(Map<String, Integer> judged) {
    return judged != null && judged.values().stream().anyMatch(grade -> grade > 0);
  }

  private static void requireId(String id, String what) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException(what + " id must be non-blank, got '" + id + "'");
    }
  }
}
