package dev.fathom.retrieval.solr;

import java.util.List;
import java.util.Objects;

/**
 * Where the SolrCloud backend lives ({@code fathom.index.solr} in application.conf).
 *
 * @param urls base URLs of one or more Solr nodes ({@code http://host:8983/solr}); the client
 *     learns the rest of the cluster from them
 * @param collectionPrefix the Solr collection of Fathom collection {@code c} is {@code prefix + c}
 * @param shards shards of a collection Fathom creates on first use
 * @param replicas replicas per shard of a collection Fathom creates (2 survives losing one node)
 */
public record SolrSettings(List<String> urls, String collectionPrefix, int shards, int replicas) {
  public SolrSettings {
    Objects.requireNonNull(urls, "urls");
    Objects.requireNonNull(collectionPrefix, "collectionPrefix");
    if (urls.isEmpty()) {
      throw new IllegalArgumentException(
          "fathom.index.solr.urls must name at least one Solr node, e.g. http://host:8983/solr");
    }
    for (String u : urls) {
      if (!u.startsWith("http://") && !u.startsWith("https://")) {
        throw new IllegalArgumentException(
            "a Solr URL must start with http:// or https://, got '" + u + "'");
      }
    }
    if (!collectionPrefix.matches("[A-Za-z0-9_-]*")) {
      throw new IllegalArgumentException(
          "collection prefix may hold letters, digits, '_' and '-' only, got '"
              + collectionPrefix
              + "'");
    }
    if (shards < 1 || shards > 1024) {
      throw new IllegalArgumentException("shards must be in [1, 1024], got " + shards);
    }
    if (replicas < 1 || replicas > 16) {
      throw new IllegalArgumentException("replicas must be in [1, 16], got " + replicas);
    }
    urls = List.copyOf(urls);
  }

  /** The Solr collection that holds Fathom collection {@code fathomCollection}. */
  public String collection(String fathomCollection) {
    if (!fathomCollection.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException(
          "a Fathom collection name for Solr may hold letters, digits, '_' and '-' only, got '"
              + fathomCollection
              + "'");
    }
    return collectionPrefix + fathomCollection;
  }
}
