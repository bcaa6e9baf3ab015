package dev.fathom.ops.workspace;

import com.typesafe.config.Config;
import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.index.IndexUnavailableException;
import dev.fathom.retrieval.solr.SolrCollections;
import dev.fathom.retrieval.solr.SolrPassageStore;
import dev.fathom.retrieval.solr.SolrSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.solr.client.solrj.impl.CloudSolrClient;

/**
 * Where a workspace keeps its passages ({@code fathom.index.backend}): {@code lucene}, the embedded
 * index in the data directory (one full copy per machine), or {@code solr}, a SolrCloud collection
 * shared by every serve node (docs/scale-out.md). Each Fathom collection {@code c} is the Solr
 * collection {@code collection-prefix + c}. The Solr client and collections are opened on first
 * use, so commands that never search or ingest never reach the cluster.
 */
public final class IndexBackend implements AutoCloseable {
  private final boolean solr;
  private final SolrSettings settings;
  private CloudSolrClient client;
  private final Map<CollectionName, SolrPassageStore> stores = new LinkedHashMap<>();

  private IndexBackend(boolean solr, SolrSettings settings) {
    this.solr = solr;
    this.settings = settings;
  }

  /**
   * Reads {@code fathom.index}; absent means the embedded index.
   *
   * @throws IllegalArgumentException naming the setting that is wrong
   */
  public static IndexBackend from(Config raw) {
    if (!raw.hasPath("fathom.index.backend")) return new IndexBackend(false, null);
    Config c = raw.getConfig("fathom.index");
    String kind = c.getString("backend").trim().toLowerCase(Locale.ROOT);
    return switch (kind) {
      case "lucene" -> new IndexBackend(false, null);
      case "solr" -> new IndexBackend(true, solrSettings(raw));
      default ->
          throw new IllegalArgumentException(
              "fathom.index.backend must be lucene or solr, got '" + kind + "'");
    };
  }

  /**
   * {@code fathom.index.solr} (ZooKeeper when {@code zk-hosts} is set, else {@code urls}),
   * whichever backend is selected ({@code fathom eval retrieval --backend solr} uses it beside an
   * embedded index).
   */
  public static SolrSettings solrSettings(Config raw) {
    Config s = raw.getConfig("fathom.index.solr");
    if (s.hasPath("collection")) {
      // Refused rather than ignored: it used to route every Fathom collection to one Solr one.
      throw new IllegalArgumentException(
          "fathom.index.solr.collection is no longer read: each Fathom collection c is the Solr"
              + " collection fathom.index.solr.collection-prefix + c (docs/scale-out.md); remove"
              + " the setting");
    }
    String zk = s.hasPath("zk-hosts") ? s.getString("zk-hosts").trim() : "";
    if (!zk.isEmpty()) {
      return SolrSettings.zooKeeper(
          zk, s.getString("collection-prefix"), s.getInt("shards"), s.getInt("replicas"));
    }
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

  /** The Solr store of the default collection, creating configset and collection on first use. */
  public SolrPassageStore solrStore(int dimension) {
    return solrStore(CollectionName.DEFAULT, dimension);
  }

  /**
   * The Solr store of Fathom collection {@code name} (Solr collection {@code prefix + name}),
   * creating the configset and the collection on first use: what writes use.
   */
  public synchronized SolrPassageStore solrStore(CollectionName name, int dimension) {
    requireSolr();
    SolrPassageStore store = stores.get(name);
    if (store == null) {
      String collection = settings.collection(name.value());
      SolrCollections.ensure(client(), settings, collection, dimension);
      store = new SolrPassageStore(client(), collection);
      stores.put(name, store);
    }
    return store;
  }

  /**
   * The Solr store of an existing collection {@code name}: what reads use, so a search of a
   * mistyped collection fails naming it instead of creating it.
   *
   * @throws IndexUnavailableException when the cluster has no such collection
   */
  public synchronized SolrPassageStore existingSolrStore(CollectionName name) {
    requireSolr();
    SolrPassageStore store = stores.get(name);
    if (store != null) return store;
    if (!solrCollections().contains(name)) {
      throw new IndexUnavailableException(
          "no collection '"
              + name
              + "' on SolrCloud (Solr collection '"
              + settings.collection(name.value())
              + "'): ingest into it first (`fathom collections list` lists them)");
    }
    store = new SolrPassageStore(client(), settings.collection(name.value()));
    stores.put(name, store);
    return store;
  }

  /** Whether the Solr collection of {@code name} exists (known once a store of it is open). */
  public synchronized boolean hasSolrCollection(CollectionName name) {
    return stores.containsKey(name) || solrCollections().contains(name);
  }

  /** The Solr stores opened so far (the document stream commits each). */
  public synchronized List<SolrPassageStore> openSolrStores() {
    return List.copyOf(stores.values());
  }

  /** Fathom collections on the cluster: Solr collections named {@code prefix + a legal name}. */
  public synchronized List<CollectionName> solrCollections() {
    requireSolr();
    return SolrCollections.fathomCollections(client(), settings);
  }

  /** Deletes the Solr collection of {@code name} (its configset stays for other collections). */
  public synchronized void dropSolrCollection(CollectionName name) {
    requireSolr();
    stores.remove(name);
    SolrCollections.drop(client(), settings.collection(name.value()));
  }

  private CloudSolrClient client() {
    requireSolr();
    if (client == null) client = SolrCollections.client(settings);
    return client;
  }

  private void requireSolr() {
    if (!solr) throw new IllegalStateException("fathom.index.backend is lucene, not solr");
  }

  @Override
  public synchronized void close() throws Exception {
    if (client != null) client.close();
    client = null;
    stores.clear();
  }
}
