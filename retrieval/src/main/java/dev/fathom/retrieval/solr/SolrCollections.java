package dev.fathom.retrieval.solr;

import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.index.IndexUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.ConfigSetAdminRequest;
import org.apache.solr.common.util.ContentStreamBase;

/**
 * Creates on first use what Fathom needs on a SolrCloud cluster: the configset (uploaded through
 * the Configsets API) and the collection ({@code shards × replicas}). Existing ones are left as
 * they are, so an operator may create the collection beforehand with other shard counts or
 * placement.
 */
public final class SolrCollections {
  private SolrCollections() {}

  /**
   * A SolrCloud client that reads the cluster state from ZooKeeper ({@code settings.zkHosts()} and
   * chroot) when given, else discovers the cluster from {@code settings.urls()} over HTTP.
   */
  public static CloudSolrClient client(SolrSettings settings) {
    if (settings.viaZooKeeper()) {
      return new CloudSolrClient.Builder(
              settings.zkHosts(),
              settings.zkChroot().isEmpty() ? Optional.empty() : Optional.of(settings.zkChroot()))
          .build();
    }
    return new CloudSolrClient.Builder(settings.urls()).build();
  }

  /**
   * Makes sure {@code collection} exists with Fathom's configset for vectors of {@code dimension};
   * returns once every replica of a new collection is active.
   */
  public static void ensure(
      SolrClient client, SolrSettings settings, String collection, int dimension) {
    String configset = SolrConfigset.name(dimension);
    try {
      List<String> sets = new ConfigSetAdminRequest.List().process(client).getConfigSets();
      if (!sets.contains(configset)) {
        ContentStreamBase.ByteArrayStream zip =
            new ContentStreamBase.ByteArrayStream(SolrConfigset.zip(dimension), configset + ".zip");
        zip.setContentType("application/zip");
        new ConfigSetAdminRequest.Upload()
            .setConfigSetName(configset)
            .setUploadStream(zip)
            .process(client);
      }
      List<String> collections = CollectionAdminRequest.listCollections(client);
      if (!collections.contains(collection)) {
        CollectionAdminRequest.Create create =
            CollectionAdminRequest.createCollection(
                collection, configset, settings.shards(), settings.replicas());
        create.setWaitForFinalState(true);
        create.process(client);
      }
    } catch (SolrServerException | IOException | RuntimeException e) {
      throw new IndexUnavailableException(
          "cannot prepare Solr collection '"
              + collection
              + "' at "
              + settings.where()
              + " (is SolrCloud running and reachable?): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The Fathom collections on the cluster: Solr collections named {@code prefix + name} with {@code
   * name} a legal {@link CollectionName}, in name order. Others are not Fathom's and are left out.
   */
  public static List<CollectionName> fathomCollections(SolrClient client, SolrSettings settings) {
    try {
      List<CollectionName> out = new ArrayList<>();
      for (String c : CollectionAdminRequest.listCollections(client)) {
        if (!c.startsWith(settings.collectionPrefix())) continue;
        String name = c.substring(settings.collectionPrefix().length());
        if (LEGAL_NAME.matcher(name).matches()) out.add(new CollectionName(name));
      }
      Collections.sort(out);
      return out;
    } catch (SolrServerException | IOException | RuntimeException e) {
      throw new IndexUnavailableException(
          "cannot list Solr collections at "
              + settings.where()
              + " (is SolrCloud running and reachable?): "
              + e.getMessage(),
          e);
    }
  }

  private static final Pattern LEGAL_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  /** Deletes {@code collection} (a temporary evaluation collection); its configset stays. */
  public static void drop(SolrClient client, String collection) {
    try {
      CollectionAdminRequest.deleteCollection(collection).process(client);
    } catch (SolrServerException | IOException | RuntimeException e) {
      throw new IndexUnavailableException(
          "cannot delete Solr collection '" + collection + "': " + e.getMessage(), e);
    }
  }
}
