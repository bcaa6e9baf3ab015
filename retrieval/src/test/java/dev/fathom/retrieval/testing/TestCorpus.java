package dev.fathom.retrieval.testing;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.index.FileRecord;
import dev.fathom.retrieval.index.PassageIndex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A small real index of hand-written passages, embedded with the real model. */
public final class TestCorpus {

  public static final String EMBEDDING_ID = "all-minilm-l6-v2/384";

  public static final List<String[]> DOCS =
      List.of(
          new String[] {
            "/docs/kafka.md",
            "Kafka",
            "Kafka stores records in partitions. Each partition is replicated to several brokers so a failed broker loses no data."
          },
          new String[] {
            "/docs/lucene.md",
            "Lucene",
            "Lucene ranks documents with BM25. It also stores dense vectors in an HNSW graph for approximate nearest-neighbour search."
          },
          new String[] {
            "/docs/cooking.md",
            "Bread",
            "Knead the dough for ten minutes. Let it rise in a warm place until it has doubled in size. Bake at 220 degrees."
          },
          new String[] {
            "/docs/pets.md",
            "Cats",
            "A kitten sleeps most of the day. Young cats need several small meals."
          },
          new String[] {
            "/docs/space.md",
            "Mars",
            "Mars is the fourth planet from the Sun. Its red colour comes from iron oxide on its surface."
          });

  private TestCorpus() {}

  /** Builds and commits the index at {@code dir}; the caller closes it. */
  public static PassageIndex build(Path dir, Embedder embedder) {
    PassageIndex idx = PassageIndex.openForWriting(dir, EMBEDDING_ID);
    List<Passage> all = new ArrayList<>();
    for (String[] d : DOCS) all.add(new Passage(d[0] + "#0", d[0], d[1], d[2], 0, d[2].length()));
    List<float[]> vectors =
        embedder.embedAll(all.stream().map(p -> p.title() + "\n" + p.text()).toList());
    for (int i = 0; i < all.size(); i++) {
      Passage p = all.get(i);
      idx.replaceSource(
          new FileRecord(p.source(), "/docs", "sha" + i, 1), List.of(p), List.of(vectors.get(i)));
    }
    idx.commit();
    return idx;
  }
}
