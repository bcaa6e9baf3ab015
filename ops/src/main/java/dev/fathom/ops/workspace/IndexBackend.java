package dev.fathom.ops.workspace;

import com.typesafe.config.Config;
import dev.fathom.retrieval.solr.SolrCollections;
import dev.fathom.retrieval.solr.SolrPassageStore;
import dev.fathom.retrieval.solr.SolrSettings;
import java.util.List;
import java.util.Locale;
import org.apache.solr.client.solrj.impl.CloudSolrClient;

/**
 * Where a workspace keeps its passages ({@code fathom.index.backend}): {@code lucene}, the embedded
 * index in the data directory (one full copy per machine), or {@code solr}, a SolrCloud collection
 * shared by every serve node (docs/scale-out.md). The Solr client and collection are opened on
 * first use, so commands that never search or ingest never reach the cluster.
 */
public final class IndexBackend implements AutoCloseable {
  private final boolean solr;
  private final SolrSettings settings;
  private final String collection;
  private CloudSolrClient client;
  private SolrPassageStore store;

  private IndexBackend(boolean solr, SolrSettings settings, String collection) {
    this.solr = solr;
    this.settings = settings;
    this.collection = collection;
  }

  /**
   * Reads {@code fathom.index}; absent means the embedded index.
   *
   * @throws IllegalArgumentException naming the setting that is wrong
   */
  public static IndexBackend from(Config raw) {
    if (!raw.hasPath("fathom.index.backend")) return new IndexBackend(false, null, null);
    Config c = raw.getConfig("fathom.index");
    String kind = c.getString("backend").trim().toLowerCase(Locale.ROOT);
    return switch (kind) {
      case "lucene" -> new IndexBackend(false, null, null);
      case "solr" -> {
        SolrSettings settings = solrSettings(raw);
        yield new IndexBackend(true, settings, settings.collection(c.getString("solr.collection")));
      }
      default ->
          throw new IllegalArgumentException(
              "fathom.index.backend must be lucene or solr, got '" + kind + "'");
    };
  }

  /**
   * {@code fathom.index.solr}, whichever backend is selected ({@code fathom eval retrieval
   * --backend solr} uses it beside an embedded index).
   */
  public static SolrSettings solrSettings(Config raw) {
    Config s = raw.getConfig("fathom.index.solr");
    String urls = s.getString("urls").trim();
    return new SolrSettings(
        urls.isEmpty() ? List.of() : List.of(urls.split("\\s*,\\s*")),
        s.getString("collection-prefix"),
        s.getInt("shards"),
        s.getInt("replicas"));
  }

  /** True when passages live on SolrCloud rather than in the data directory. */
  public boolean solr() {
    return solr;
  }

  /** The Solr store, creating the configset and collection on first use. */
  public synchronized SolrPassageStore solrStore(int dimension) {
    if (!solr) throw new IllegalStateException("fathom.index.backend is lucene, not solr");
    if (store == null) {
      client = SolrCollections.client(settings);
      SolrCollections.ensure(client, settings, collection, dimension);
      store = new SolrPassageStore(client, collection);
    }
    return store;
  }

  @Override
  public synchronized void close() throws Exception {
    if (client != null) client.close();
    client = null;
    store = null;
  }
}
