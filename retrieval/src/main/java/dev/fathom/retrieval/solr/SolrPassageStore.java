package dev.fathom.retrieval.solr;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.filter.SearchFilter;
import dev.fathom.retrieval.index.FileRecord;
import dev.fathom.retrieval.index.IndexUnavailableException;
import dev.fathom.retrieval.index.ScoredPassage;
import dev.fathom.retrieval.index.StreamPartition;
import dev.fathom.retrieval.index.StreamStore;
import dev.fathom.retrieval.text.AnalysedTerms;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.params.CursorMarkParams;
import org.apache.solr.common.params.ModifiableSolrParams;

/**
 * Passages on SolrCloud, with the embedded index's semantics (see {@link PassageStore}): BM25 over
 * {@code contents} (title + text, English analysis), HNSW kNN over {@code vector} (cosine, which on
 * Fathom's unit-length embeddings scores exactly like the embedded index's dot product), and the
 * access list as a filter query, which Solr applies inside BM25 and as the kNN pre-filter.
 *
 * <p>BM25 is analysed here, with the same Lucene {@link EnglishAnalyzer} the embedded index uses,
 * and sent as a disjunction of exact {@code {!term}} queries: Solr's query parsers would re-analyse
 * (Porter stemming is not idempotent) and keep duplicate terms, both of which change scores. With
 * the configset's {@code ExactStatsCache}, scores across shards equal those of one index.
 */
public final class SolrPassageStore implements StreamStore {
  private static final int MAX_QUERY_TERMS = 1000;
  private static final String FL = "id,source,title,text,start,end,score";

  private final SolrClient client;
  private final String collection;
  private static final int FLUSH_SOURCES = 500; // under Solr's 1024 boolean clauses
  private final Analyzer analyzer = new EnglishAnalyzer();
  private final Map<String, List<SolrInputDocument>> pending = new LinkedHashMap<>();
  private final Map<String, FileRecord> pendingRecords = new HashMap<>(); // null value: deleted

  /** A store over an existing {@code collection} (see {@link SolrCollections#ensure}). */
  public SolrPassageStore(SolrClient client, String collection) {
    this.client = client;
    this.collection = collection;
  }

  public String collection() {
    return collection;
  }

  // ---------------------------------------------------------------- writing

  /**
   * Buffered until {@link #commit()} or {@value #FLUSH_SOURCES} sources: then one delete-by-query
   * for all of them and one add. Solr's delete-by-query is costly per request (it is sent to every
   * shard and orders itself against concurrent updates), so one per source would dominate ingest.
   */
  @Override
  public synchronized void replaceSource(
      FileRecord record, List<Passage> passages, List<float[]> vectors) {
    if (passages.size() != vectors.size()) {
      throw new IllegalArgumentException(
          passages.size() + " passages but " + vectors.size() + " vectors");
    }
    List<SolrInputDocument> docs = new ArrayList<>(passages.size() + 1);
    for (int i = 0; i < passages.size(); i++) {
      docs.add(SolrDocuments.passage(passages.get(i), vectors.get(i), record));
    }
    docs.add(SolrDocuments.file(record));
    pending.put(record.source(), docs); // a second replace of one source supersedes the first
    pendingRecords.put(record.source(), record);
    if (pending.size() >= FLUSH_SOURCES) flush();
  }

  @Override
  public synchronized void deleteSource(String source) {
    pending.put(source, List.of());
    pendingRecords.put(source, null);
    if (pending.size() >= FLUSH_SOURCES) flush();
  }

  /** A hard commit that opens a new searcher on every replica: durable and visible on return. */
  @Override
  public synchronized void commit() {
    commit(Map.of());
  }

  /**
   * Like {@link #commit()}, writing first one offsets record per partition of {@code applied}, so
   * the documents and the stream position they reach become visible and durable in one commit. A
   * crash before it loses both, and the stream is re-read from the previous position (replacing a
   * document is idempotent).
   */
  @Override
  public synchronized void commit(Map<StreamPartition, Long> applied) {
    flush();
    List<SolrInputDocument> offsets = new ArrayList<>();
    applied.forEach(
        (tp, offset) -> {
          if (offset < 0) {
            throw new IllegalArgumentException("offset of " + tp + " must be >= 0, got " + offset);
          }
          offsets.add(SolrDocuments.offsets(tp, offset));
        });
    if (!offsets.isEmpty()) call("record stream offsets", () -> client.add(collection, offsets));
    call("commit", () -> client.commit(collection, true, true));
  }

  /** The offsets records of this collection (committed ones: a search, not a real-time get). */
  @Override
  public Map<StreamPartition, Long> appliedOffsets() {
    ModifiableSolrParams p = new ModifiableSolrParams();
    p.set("q", "{!term f=kind}" + SolrDocuments.KIND_OFFSETS);
    p.set("fl", "source,passages,offset");
    p.set("rows", 100_000);
    Map<StreamPartition, Long> out = new HashMap<>();
    for (SolrDocument d : query(p).getResults()) {
      out.put(
          new StreamPartition(
              (String) d.getFieldValue("source"),
              ((Number) d.getFieldValue("passages")).intValue()),
          ((Number) d.getFieldValue("offset")).longValue());
    }
    return Map.copyOf(out);
  }

  /**
   * The record of {@code source}: one written but not yet sent from this store's buffer, else
   * Solr's real-time get, which also sees records sent but not yet committed.
   */
  @Override
  public synchronized FileRecord fileRecord(String source) {
    if (pendingRecords.containsKey(source)) return pendingRecords.get(source);
    SolrDocument d =
        call(
            "read the record of " + source,
            () -> client.getById(collection, SolrDocuments.fileId(source)));
    return d == null ? null : SolrDocuments.fileRecord(d);
  }

  private void flush() {
    if (pending.isEmpty()) return;
    List<SolrInputDocument> docs = new ArrayList<>();
    for (List<SolrInputDocument> d : pending.values()) docs.addAll(d);
    String delete = SolrDocuments.sourcesQuery(pending.keySet());
    call(
        "write " + pending.size() + " sources",
        () -> {
          client.deleteByQuery(collection, delete);
          return docs.isEmpty() ? null : client.add(collection, docs);
        });
    pending.clear();
    pendingRecords.clear();
  }

  // ---------------------------------------------------------------- reading

  /** Pages through every source record with a cursor (deep paging that stays cheap). */
  @Override
  public Map<String, FileRecord> fileRecords() {
    Map<String, FileRecord> out = new HashMap<>();
    String cursor = CursorMarkParams.CURSOR_MARK_START;
    while (true) {
      ModifiableSolrParams p = new ModifiableSolrParams();
      p.set("q", "{!term f=kind}" + SolrDocuments.KIND_FILE);
      p.set("fl", "source,root,sha256,passages,acl,title,meta_json");
      p.set("rows", 1000);
      p.set("sort", "id asc");
      p.set(CursorMarkParams.CURSOR_MARK_PARAM, cursor);
      QueryResponse r = query(p);
      for (SolrDocument d : r.getResults()) {
        FileRecord f = SolrDocuments.fileRecord(d);
        out.put(f.source(), f);
      }
      String next = r.getNextCursorMark();
      if (next == null || next.equals(cursor)) return out;
      cursor = next;
    }
  }

  @Override
  public int passageCount() {
    ModifiableSolrParams p = new ModifiableSolrParams();
    p.set("q", "{!term f=kind}" + SolrDocuments.KIND_PASSAGE);
    p.set("rows", 0);
    return Math.toIntExact(query(p).getResults().getNumFound());
  }

  @Override
  public List<ScoredPassage> bm25(String text, int n, Principal caller) {
    return bm25(text, n, caller, SearchFilter.NONE);
  }

  @Override
  public List<ScoredPassage> knn(float[] vector, int n, Principal caller) {
    return knn(vector, n, caller, SearchFilter.NONE);
  }

  /** The metadata filter is one {@code fq} per condition ({@link SolrFilters}). */
  @Override
  public List<ScoredPassage> bm25(String text, int n, Principal caller, SearchFilter filter) {
    Set<String> terms = analyse(text);
    if (terms.isEmpty()) return List.of();
    ModifiableSolrParams p = searchParams(n, caller, filter);
    p.set("q", lexicalQuery(terms, p));
    return SolrDocuments.passages(query(p).getResults());
  }

  /** The metadata filter is the HNSW search's pre-filter, like the access list. */
  @Override
  public List<ScoredPassage> knn(float[] vector, int n, Principal caller, SearchFilter filter) {
    ModifiableSolrParams p = searchParams(n, caller, filter);
    p.set("q", knnQuery(vector, n, ""));
    return SolrDocuments.passages(query(p).getResults());
  }

  /**
   * Solr's own hybrid in one request ({@link SolrNormalisedHybrid}), the alternative to Fathom's
   * RRF over {@link #bm25} and {@link #knn} that issue 19 asked to measure.
   */
  public List<ScoredPassage> normalisedHybrid(
      String text,
      float[] vector,
      int n,
      int topK,
      double bm25Weight,
      double denseWeight,
      Principal caller,
      SearchFilter filter) {
    ModifiableSolrParams p = searchParams(n, caller, filter);
    Set<String> terms = analyse(text);
    SolrNormalisedHybrid.params(
        terms.isEmpty() ? null : lexicalQuery(terms, p),
        knnQuery(vector, topK, SolrNormalisedHybrid.preFilters(p)),
        bm25Weight,
        denseWeight,
        p);
    return SolrDocuments.passages(query(p).getResults());
  }

  /** A disjunction of exact terms on {@code contents}, each term in a parameter of its own. */
  private static String lexicalQuery(Set<String> terms, ModifiableSolrParams p) {
    StringBuilder q = new StringBuilder("{!bool");
    int i = 0;
    for (String t : terms) {
      q.append(" should=$t").append(i);
      p.set("t" + i++, "{!term f=contents}" + t);
    }
    return q.append('}').toString();
  }

  private static String knnQuery(float[] vector, int topK, String localParams) {
    StringBuilder v =
        new StringBuilder("{!knn f=vector topK=").append(topK).append(localParams).append("}[");
    for (int i = 0; i < vector.length; i++) v.append(i == 0 ? "" : ",").append(vector[i]);
    return v.append(']').toString();
  }

  private static ModifiableSolrParams searchParams(int n, Principal caller, SearchFilter filter) {
    if (n < 1) throw new IllegalArgumentException("n must be positive, got " + n);
    ModifiableSolrParams p = new ModifiableSolrParams();
    p.set("rows", n);
    p.set("fl", FL);
    p.add("fq", "{!term f=kind}" + SolrDocuments.KIND_PASSAGE);
    if (!caller.unrestricted()) {
      p.add("fq", "{!terms f=acl separator=\" \"}" + String.join(" ", caller.accessTokens()));
    }
    SolrFilters.apply(filter, p);
    return p;
  }

  private Set<String> analyse(String text) {
    return AnalysedTerms.distinct(analyzer, "contents", text, MAX_QUERY_TERMS);
  }

  private QueryResponse query(ModifiableSolrParams p) {
    return call("search", () -> client.query(collection, p));
  }

  private interface SolrCall<T> {
    T run() throws SolrServerException, IOException;
  }

  private <T> T call(String what, SolrCall<T> work) {
    try {
      return work.run();
    } catch (SolrServerException | IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) throw iae;
      throw new IndexUnavailableException(
          "Solr collection '" + collection + "' failed to " + what + ": " + e.getMessage(), e);
    }
  }
}
