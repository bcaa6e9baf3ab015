package dev.fathom.retrieval.ingest;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.embed.SentenceVectors;
import dev.fathom.retrieval.index.FileRecord;
import dev.fathom.retrieval.index.PassageStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Passages of several files waiting for their embeddings, so short files share a model batch; a
 * flush embeds them together and replaces each file's passages in the store.
 */
final class EmbedBatch {

  private final PassageStore store;
  private final Embedder embedder;
  private final boolean sentenceVectors;
  private final List<FileRecord> records = new ArrayList<>();
  private final List<List<Passage>> passages = new ArrayList<>();
  private int size;

  /**
   * @param sentenceVectors whether each passage's sentences are embedded too (when the store keeps
   *     them)
   */
  EmbedBatch(PassageStore store, Embedder embedder, boolean sentenceVectors) {
    this.store = store;
    this.embedder = embedder;
    this.sentenceVectors = sentenceVectors;
  }

  /** Adds file {@code r} with its passages {@code ps}. */
  void add(FileRecord r, List<Passage> ps) {
    records.add(r);
    passages.add(ps);
    size += ps.size();
  }

  /** Passages waiting. */
  int size() {
    return size;
  }

  /** Embeds the waiting passages and writes every waiting file to the store. */
  void flush() {
    if (records.isEmpty()) return;
    List<String> texts = new ArrayList<>(size);
    for (List<Passage> ps : passages) for (Passage p : ps) texts.add(p.title() + "\n" + p.text());
    List<float[]> vectors = embedder.embedAll(texts);
    // Every candidate sentence is embedded here, once, so that compression embeds only the
    // question (docs/compression.md); a store that cannot keep them is spared the work.
    List<SentenceVectors> sentences = null;
    if (sentenceVectors && store.storesSentenceVectors()) {
      List<Passage> all = new ArrayList<>(size);
      for (List<Passage> ps : passages) all.addAll(ps);
      sentences = SentenceVectors.embed(embedder, all);
    }
    int at = 0;
    for (int i = 0; i < records.size(); i++) {
      int n = passages.get(i).size();
      if (sentences == null) {
        store.replaceSource(records.get(i), passages.get(i), vectors.subList(at, at + n));
      } else {
        store.replaceSource(
            records.get(i),
            passages.get(i),
            vectors.subList(at, at + n),
            sentences.subList(at, at + n));
      }
      at += n;
    }
    records.clear();
    passages.clear();
    size = 0;
  }
}
