package dev.fathom.ops.server;

import dev.fathom.ops.workspace.IndexBackend;
import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.embed.MiniLmModel;
import dev.fathom.retrieval.parse.PathDocumentPolicy;
import dev.fathom.retrieval.text.Chunker;
import java.util.function.IntSupplier;

/**
 * The document intake of {@code fathom serve} with {@code fathom.index.backend = solr}: documents
 * from {@code fathom.documents} (sent over Kafka or {@code POST /v1/documents}) go into the Solr
 * collection of their Fathom collection, created with Fathom's configset on first use, and each
 * batch commits the stream offsets it covers into the same Solr collections (docs/scale-out.md).
 *
 * <p><b>One consumer group for the whole cluster.</b> With the embedded index every serve node
 * holds a full copy and reads every document (a group per node). A Solr collection is shared, so
 * the serve nodes form one group, {@code <group-id>-documents-solr}: Kafka gives each partition to
 * one node and every document is written once. A node that takes over a partition seeks to the
 * offset recorded in Solr, so the topic stays the source of truth: a deleted Solr collection of the
 * default collection is rebuilt by re-reading the compacted topic from the beginning.
 */
final class SolrDocumentIntake {
  private SolrDocumentIntake() {}

  /** The consumer group of the serve nodes writing into one SolrCloud. */
  static String groupId(KafkaSettings kafka) {
    return kafka.groupId() + "-documents-solr";
  }

  /** An indexer over the Solr collections of {@code backend}. */
  static DocumentIndexer indexer(
      IndexBackend backend,
      Embedder embedder,
      Chunker chunker,
      String topic,
      PathDocumentPolicy paths) {
    int dim = MiniLmModel.DIMENSION;
    return new DocumentIndexer(
        backend.solrStore(CollectionName.DEFAULT, dim),
        name -> backend.solrStore(name, dim),
        backend::openSolrStores,
        embedder,
        chunker,
        topic,
        paths);
  }

  /** Passages of the default collection, for {@code /metrics} (one Solr request per scrape). */
  static IntSupplier passageCount(IndexBackend backend) {
    return () -> backend.solrStore(CollectionName.DEFAULT, MiniLmModel.DIMENSION).passageCount();
  }
}
