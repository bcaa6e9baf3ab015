package dev.fathom.ops.cli;

import dev.fathom.ops.workspace.IndexBackend;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.embed.MiniLmModel;
import dev.fathom.retrieval.eval.BeirDataset;
import dev.fathom.retrieval.eval.RetrievalEvaluation;
import dev.fathom.retrieval.solr.SolrCollections;
import dev.fathom.retrieval.solr.SolrPassageStore;
import dev.fathom.retrieval.solr.SolrSettings;
import java.util.Locale;
import java.util.UUID;
import org.apache.solr.client.solrj.impl.CloudSolrClient;

/**
 * A dataset's corpus in a temporary SolrCloud collection ({@code fathom eval retrieval --backend
 * solr}), on the cluster of {@code fathom.index.solr}, deleted on close: the same passages and
 * embeddings as {@link EvalIndex}, so the two backends' metrics compare like for like.
 */
final class SolrEvalIndex implements AutoCloseable {
  final SolrPassageStore store;
  private final CloudSolrClient client;

  private SolrEvalIndex(CloudSolrClient client, SolrPassageStore store) {
    this.client = client;
    this.store = store;
  }

  /** An empty temporary collection named after {@code name}, on fathom.index.solr's cluster. */
  static SolrEvalIndex open(Workspace ws, String name) {
    SolrSettings settings = IndexBackend.solrSettings(ws.config().raw());
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String collection =
        settings.collection(
            "eval-" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-") + "-" + suffix);
    CloudSolrClient client = SolrCollections.client(settings);
    try {
      SolrCollections.ensure(client, settings, collection, MiniLmModel.DIMENSION);
      return new SolrEvalIndex(client, new SolrPassageStore(client, collection));
    } catch (RuntimeException e) {
      closeQuietly(client, collection);
      throw e;
    }
  }

  /** {@link #open}, then the dataset's corpus indexed as {@link EvalIndex} does. */
  static SolrEvalIndex build(Workspace ws, BeirDataset dataset, String name) {
    SolrEvalIndex se = open(ws, name);
    try {
      ProgressBar bar = new ProgressBar("index ");
      int total = dataset.corpus().size();
      RetrievalEvaluation.index(
          dataset, se.store, ws.uncachedEmbedder(), 128, n -> bar.update(n, total, "documents"));
      bar.finish();
      return se;
    } catch (RuntimeException e) {
      se.close();
      throw e;
    }
  }

  @Override
  public void close() {
    closeQuietly(client, store.collection());
  }

  private static void closeQuietly(CloudSolrClient client, String collection) {
    try {
      SolrCollections.drop(client, collection);
    } catch (RuntimeException e) {
      System.err.println("warning: " + e.getMessage());
    }
    try {
      client.close();
    } catch (Exception ignored) {
      // the collection is gone or reported; nothing else to release
    }
  }
}
