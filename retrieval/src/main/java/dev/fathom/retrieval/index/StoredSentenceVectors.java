package dev.fathom.retrieval.index;

import static dev.fathom.retrieval.index.IndexSchema.ID;
import static dev.fathom.retrieval.index.IndexSchema.SENTENCE_VECTORS;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.SentenceVectorSource;
import dev.fathom.retrieval.embed.SentenceVectors;
import dev.fathom.retrieval.text.SentenceSplitter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.AlreadyClosedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sentence vectors a {@link PassageIndex} stored with its passages at ingest, for the
 * compressors. A passage's vectors are used only when they were made with the compressor's
 * embedding model and dimension, by this version of the sentence cutting ({@link
 * SentenceSplitter#VERSION}), for this passage text; otherwise the passage is left out, so its
 * sentences are embedded per question, and the reason is logged once per index: a passage without
 * stored vectors (an index written before they were stored) asks for a re-ingest, and vectors of
 * another model or cutting say which.
 */
final class StoredSentenceVectors implements SentenceVectorSource {
  private static final Logger log = LoggerFactory.getLogger(StoredSentenceVectors.class);

  /** Index paths already warned about, per reason: one line per index and process. */
  private static final Set<String> warned = ConcurrentHashMap.newKeySet();

  private final PassageIndex index;
  private final String model;
  private final int dimension;

  StoredSentenceVectors(PassageIndex index, String model, int dimension) {
    this.index = index;
    this.model = model;
    this.dimension = dimension;
  }

  @Override
  public Map<String, SentenceVectors> find(List<Passage> passages) {
    Map<String, byte[]> raw;
    try {
      raw = index.sentenceVectorBytes(passages.stream().map(Passage::id).toList());
    } catch (AlreadyClosedException e) {
      // The workspace closed this index to reopen it (an ingest): the question's sentences are
      // embedded instead, which gives the same vectors.
      return Map.of();
    }
    Map<String, SentenceVectors> out = new HashMap<>();
    for (Passage p : passages) {
      if (!raw.containsKey(p.id())) continue; // not a passage of this index
      byte[] bytes = raw.get(p.id());
      if (bytes == null) {
        warnOnce(
            "missing",
            "passages of the index at {} carry no stored sentence vectors (indexed before Fathom"
                + " stored them at ingest, or with fathom.ingest.sentence-vectors = false):"
                + " compression embeds their sentences per question; delete that index folder and"
                + " ingest again for faster compression",
            index.path());
        continue;
      }
      SentenceVectorCodec.Stored s;
      try {
        s = SentenceVectorCodec.decode(bytes, 0, bytes.length);
      } catch (IllegalArgumentException e) {
        warnOnce(
            "unreadable",
            "ignoring stored sentence vectors of the index at {} ({}): compression embeds"
                + " sentences per question; ingest again to rewrite them",
            index.path(),
            e.getMessage());
        continue;
      }
      if (!s.model().equals(model)
          || s.dimension() != dimension
          || s.cutVersion() != SentenceSplitter.VERSION) {
        warnOnce(
            "mismatch",
            "ignoring stored sentence vectors of the index at {}: made with {} ({} dimensions,"
                + " sentence cutting v{}), but compression uses {} ({} dimensions, v{});"
                + " sentences are embedded per question until the folder is ingested again",
            index.path(),
            s.model(),
            s.dimension(),
            s.cutVersion(),
            model,
            dimension,
            SentenceSplitter.VERSION);
        continue;
      }
      // Another passage under the same id (another collection's copy of a changed file).
      if (s.textCrc() != SentenceVectorCodec.crc(p.text())) continue;
      out.put(p.id(), s.vectors());
    }
    return out;
  }

  private static void warnOnce(String reason, String message, Path path, Object... args) {
    if (!warned.add(reason + '\u0000' + path)) return;
    Object[] all = new Object[args.length + 1];
    all[0] = path;
    System.arraycopy(args, 0, all, 1, args.length);
    log.warn(message, all);
  }

  /**
   * The stored bytes of each id's passage: an entry with null when the passage exists but has none,
   * no entry when no passage has the id.
   */
  static Map<String, byte[]> read(IndexSearcher s, Collection<String> ids) throws IOException {
    List<LeafReaderContext> leaves = s.getIndexReader().leaves();
    Map<String, byte[]> out = new HashMap<>();
    for (String id : ids) {
      if (out.containsKey(id)) continue;
      TopDocs top = s.search(new TermQuery(new Term(ID, id)), 1);
      if (top.scoreDocs.length == 0) continue;
      int doc = top.scoreDocs[0].doc;
      LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
      BinaryDocValues dv = leaf.reader().getBinaryDocValues(SENTENCE_VECTORS);
      byte[] bytes = null;
      if (dv != null && dv.advanceExact(doc - leaf.docBase)) {
        var ref = dv.binaryValue();
        bytes = java.util.Arrays.copyOfRange(ref.bytes, ref.offset, ref.offset + ref.length);
      }
      out.put(id, bytes);
    }
    return out;
  }
}
