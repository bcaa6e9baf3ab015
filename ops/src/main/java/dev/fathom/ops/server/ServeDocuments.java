package dev.fathom.ops.server;

import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.index.PassageIndex;
import java.util.function.IntSupplier;

/**
 * Where {@code fathom serve} puts the documents of {@code fathom.documents}: into this node's own
 * embedded indexes (every node reads every document, a consumer group per node), or with {@code
 * fathom.index.backend = solr} into SolrCloud (one group for all nodes, see {@link
 * SolrDocumentIntake}).
 */
final class ServeDocuments {

  private ServeDocuments() {}

  /** Passages of the default collection, for {@code /metrics}. */
  static IntSupplier passageCount(Workspace ws, PassageIndex index) {
    return ws.backend().solr()
        ? SolrDocumentIntake.passageCount(ws.backend())
        : index::passageCount;
  }

  /**
   * The document stream of node {@code nodeId}, {@code index} being the embedded index of the
   * default collection (documents naming another collection go to its own index, created on first
   * use).
   */
  static DocumentStream stream(
      FathomConfig config,
      Workspace ws,
      KafkaSettings kafka,
      String bootstrap,
      String nodeId,
      PassageIndex index,
      DocumentSettings settings,
      ServeMetrics metrics) {
    boolean solr = ws.backend().solr();
    DocumentIndexer indexer =
        solr
            ? SolrDocumentIntake.indexer(
                ws.backend(),
                ws.embedder(),
                config.ingest().chunker(),
                kafka.topics().documents(),
                settings.paths())
            : new DocumentIndexer(
                index,
                ws::writableIndex,
                () -> ws.openCollections().values(),
                ws.embedder(),
                config.ingest().chunker(),
                kafka.topics().documents(),
                settings.paths());
    return new DocumentStream(
        bootstrap,
        solr ? SolrDocumentIntake.groupId(kafka) : kafka.groupId() + "-documents-" + nodeId,
        kafka,
        indexer,
        metrics);
  }
}
