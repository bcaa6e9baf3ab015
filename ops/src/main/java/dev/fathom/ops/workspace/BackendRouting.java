package dev.fathom.ops.workspace;

import dev.fathom.ops.config.FathomConfig;
import dev.fathom.retrieval.access.AccessList;
import dev.fathom.retrieval.embed.MiniLmModel;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.ingest.IngestListener;
import dev.fathom.retrieval.ingest.IngestReport;
import dev.fathom.retrieval.ingest.Ingestor;
import dev.fathom.retrieval.meta.DocumentMetadata;
import dev.fathom.retrieval.rank.RecentSignals;
import dev.fathom.retrieval.search.CollectionRetriever;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The {@link Workspace} operations whose work differs between the two index backends ({@code
 * fathom.index.backend}, docs/scale-out.md): ingesting and building the retriever go to SolrCloud's
 * collections or to the embedded Lucene indexes. Kept apart so the workspace's facade reads as what
 * it offers, and each backend's path is written once.
 *
 * <p>Holds no state of its own: the backend, indexes and embedder stay the workspace's, opened and
 * closed (and locked) there.
 */
final class BackendRouting {

  private final Workspace workspace;
  private final FathomConfig config;
  private final OpenIndexes indexes;
  private final RecentSignals recentSignals;

  BackendRouting(
      Workspace workspace, FathomConfig config, OpenIndexes indexes, RecentSignals recentSignals) {
    this.workspace = workspace;
    this.config = config;
    this.indexes = indexes;
    this.recentSignals = recentSignals;
  }

  /** Ingests into the home collection: its Solr collection, or its embedded index. */
  IngestReport ingest(
      List<Path> paths, IngestListener listener, AccessList defaultAcl, DocumentMetadata extra) {
    IndexBackend backend = workspace.backend();
    if (backend.solr()) {
      return new Ingestor(
              backend.solrStore(workspace.home().collection(), MiniLmModel.DIMENSION),
              workspace.embedder(),
              config.ingest(),
              Set.of(config.dataDir()))
          .ingest(paths, listener, defaultAcl, extra);
    }
    indexes.closeHome();
    try (PassageIndex writable =
        PassageIndex.openForWriting(workspace.indexDir(), workspace.embeddingId())) {
      Ingestor ingestor =
          new Ingestor(writable, workspace.embedder(), config.ingest(), Set.of(config.dataDir()));
      return ingestor.ingest(paths, listener, defaultAcl, extra);
    }
  }

  /** The retriever over every collection, on the workspace's backend. */
  CollectionRetriever retriever() {
    if (workspace.backend().solr()) {
      // Fathom's fusion over Solr's two lists (SolrRetriever's method), as for the embedded index.
      return new CollectionRetriever(
          c -> workspace.backend().existingSolrStore(c),
          workspace.embedder(),
          config.retrieval(),
          workspace.home(),
          recentSignals);
    }
    workspace.readIndex(); // fail now, naming the collection, when it does not exist
    return new CollectionRetriever(
        workspace::readIndex,
        workspace.embedder(),
        config.retrieval(),
        workspace.home(),
        recentSignals);
  }
}
