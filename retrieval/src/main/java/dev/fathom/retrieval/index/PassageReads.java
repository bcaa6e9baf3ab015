package dev.fathom.retrieval.index;

import static dev.fathom.retrieval.index.IndexSchema.*;

import dev.fathom.retrieval.Passage;
import java.io.IOException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.Bits;

/**
 * What a {@link PassageIndex} reads from one searcher besides searches: source records, a source's
 * passages, stored vectors and term statistics.
 */
final class PassageReads {
  private PassageReads() {}

  /** Most passages {@link #passagesOf} returns for one source. */
  static final int MAX_PASSAGES_PER_SOURCE = 10_000;

  /** All source records, by source. */
  static Map<String, FileRecord> fileRecords(IndexSearcher s) throws IOException {
    TopDocs top = s.search(PassageQueries.fileRecords(), Math.max(1, s.getIndexReader().maxDoc()));
    StoredFields stored = s.storedFields();
    Map<String, FileRecord> out = new HashMap<>();
    for (ScoreDoc sd : top.scoreDocs) {
      FileRecord r = IndexDocuments.fileRecord(stored.document(sd.doc));
      out.put(r.source(), r);
    }
    return out;
  }

  /** The record of {@code source}, or null. */
  static FileRecord fileRecord(IndexSearcher s, String source) throws IOException {
    TopDocs top = s.search(PassageQueries.fileRecord(source), 1);
    return top.scoreDocs.length == 0
        ? null
        : IndexDocuments.fileRecord(s.storedFields().document(top.scoreDocs[0].doc));
  }

  /** The passages {@code query} matches, at most {@link #MAX_PASSAGES_PER_SOURCE}, by start. */
  static List<Passage> inDocumentOrder(IndexSearcher s, Query query) throws IOException {
    return IndexDocuments.passages(s, s.search(query, MAX_PASSAGES_PER_SOURCE)).stream()
        .map(ScoredPassage::passage)
        .sorted(Comparator.comparingInt(Passage::start))
        .toList();
  }

  /** BM25's idf of each analysed term over all passages (Lucene's {@code BM25Similarity}). */
  static Map<String, Double> idf(IndexSearcher s, Collection<String> analysedTerms)
      throws IOException {
    long n = s.getIndexReader().getDocCount(CONTENTS);
    Map<String, Double> out = new LinkedHashMap<>();
    for (String t : analysedTerms) {
      int df = s.getIndexReader().docFreq(new Term(CONTENTS, t));
      out.put(t, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
    }
    return out;
  }

  /**
   * The stored dense vectors of the live passages with these ids: per segment, the ids' documents
   * in doc-id order, then one forward pass of the segment's vector iterator over them.
   */
  static Map<String, float[]> vectors(IndexSearcher s, Collection<String> ids) throws IOException {
    Map<String, float[]> out = new HashMap<>(ids.size() * 2);
    for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
      LeafReader r = leaf.reader();
      FloatVectorValues values = r.getFloatVectorValues(VECTOR);
      if (values == null) continue;
      Bits live = r.getLiveDocs();
      TreeMap<Integer, String> docs = new TreeMap<>();
      for (String id : ids) {
        PostingsEnum pe = r.postings(new Term(ID, id), PostingsEnum.NONE);
        if (pe == null) continue;
        for (int d = pe.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = pe.nextDoc()) {
          if (live == null || live.get(d)) docs.put(d, id);
        }
      }
      KnnVectorValues.DocIndexIterator it = values.iterator();
      for (Map.Entry<Integer, String> e : docs.entrySet()) {
        if (it.docID() < e.getKey() && it.advance(e.getKey()) != e.getKey()) continue;
        if (it.docID() != e.getKey()) continue;
        out.put(e.getValue(), values.vectorValue(it.index()).clone());
      }
    }
    return out;
  }
}
