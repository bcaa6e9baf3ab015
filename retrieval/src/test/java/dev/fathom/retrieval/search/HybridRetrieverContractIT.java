package dev.fathom.retrieval.search;

import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.testing.TestCorpus;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** {@link HybridRetriever} on a real Lucene index with the real embedding model. */
class HybridRetrieverContractIT extends RetrieverContract {

  @TempDir static Path dir;
  static PassageIndex index;

  @BeforeAll
  static void build() {
    index = TestCorpus.build(dir, TestEmbedder.shared());
  }

  @AfterAll
  static void close() {
    if (index != null) index.close();
  }

  @Override
  protected Retriever retriever() {
    return new HybridRetriever(index, TestEmbedder.shared(), HybridRetriever.Settings.defaults());
  }
}
