package dev.fathom.retrieval.solr;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the SolrCloud backend lives ({@code fathom.index.solr} in application.conf): reached
 * through Solr nodes over HTTP, or through the cluster's ZooKeeper ensemble, which is what
 * SolrCloud itself reads its cluster state from (no Solr node has to be named, and the client
 * follows nodes as they come and go).
 *
 * @param urls base URLs of one or more Solr nodes ({@code http://host:8983/solr}); the client
 *     learns the rest of the cluster from them. Not used when {@code zkHosts} is set.
 * @param zkHosts {@code host:port} of ZooKeeper servers of the ensemble; empty: reach the cluster
 *     by {@code urls}
 * @param zkChroot the ZooKeeper path SolrCloud keeps its state under ({@code /solr}), or empty for
 *     the root; only with {@code zkHosts}
 * @param collectionPrefix the Solr collection of Fathom collection {@code c} is {@code prefix + c}
 * @param shards shards of a collection Fathom creates on first use
 * @param replicas replicas per shard of a collection Fathom creates (2 survives losing one node)
 */
public record SolrSettings(
    List<String> urls,
    List<String> zkHosts,
    String zkChroot,
    String collectionPrefix,
    int shards,
    int replicas) {

  private static final Pattern ZK_HOST =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9_.-]+)(:\\d{1,5})?");
  private static final Pattern CHROOT = Pattern.compile("(/[A-Za-z0-9_.-]+)+");

  public SolrSettings {
    Objects.requireNonNull(urls, "urls");
    Objects.requireNonNull(zkHosts, "zkHosts");
    Objects.requireNonNull(zkChroot, "zkChroot");
    Objects.requireNonNull(collectionPrefix, "collectionPrefix");
    if (zkHosts.isEmpty()) {
      if (urls.isEmpty()) {
        throw new IllegalArgumentException(
            "fathom.index.solr.urls must name at least one Solr node, e.g. http://host:8983/solr"
                + " (or set fathom.index.solr.zk-hosts)");
      }
      if (!zkChroot.isEmpty()) {
        throw new IllegalArgumentException(
            "fathom.index.solr.zk-chroot '"
                + zkChroot
                + "' needs fathom.index.solr.zk-hosts (the chroot is a ZooKeeper path)");
      }
      for (String u : urls) {
        if (!u.startsWith("http://") && !u.startsWith("https://")) {
          throw new IllegalArgumentException(
              "a Solr URL must start with http:// or https://, got '" + u + "'");
        }
      }
    } else {
      for (String h : zkHosts) {
        if (!ZK_HOST.matcher(h).matches()) {
          throw new IllegalArgumentException(
              "a ZooKeeper host must be host or host:port (e.g. zk1:2181), got '" + h + "'");
        }
      }
      if (!zkChroot.isEmpty() && !CHROOT.matcher(zkChroot).matches()) {
        throw new IllegalArgumentException(
            "fathom.index.solr.zk-chroot must be a ZooKeeper path such as /solr (letters, digits,"
                + " '_', '.', '-' between slashes), got '"
                + zkChroot
                + "'");
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
    zkHosts = List.copyOf(zkHosts);
  }

  /** A cluster reached by Solr node URLs. */
  public SolrSettings(List<String> urls, String collectionPrefix, int shards, int replicas) {
    this(urls, List.of(), "", collectionPrefix, shards, replicas);
  }

  /**
   * A cluster reached through ZooKeeper, from the connection string SolrCloud's own tools take:
   * {@code zk1:2181,zk2:2181,zk3:2181/solr} (the chroot, if any, after the last host).
   */
  public static SolrSettings zooKeeper(
      String zkConnect, String collectionPrefix, int shards, int replicas) {
    String hosts = zkConnect.strip();
    String chroot = "";
    int slash = hosts.indexOf('/');
    if (slash >= 0) {
      chroot = hosts.substring(slash);
      hosts = hosts.substring(0, slash);
    }
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException(
          "a ZooKeeper connection string names at least one host, e.g. zk1:2181/solr, got '"
              + zkConnect
              + "'");
    }
    return new SolrSettings(
        List.of(), List.of(hosts.split("\\s*,\\s*")), chroot, collectionPrefix, shards, replicas);
  }

  /** True when the cluster is reached through ZooKeeper rather than Solr URLs. */
  public boolean viaZooKeeper() {
    return !zkHosts.isEmpty();
  }

  /** Where the cluster is reached, for messages: the URLs, or the ZooKeeper connection string. */
  public String where() {
    return viaZooKeeper() ? "ZooKeeper " + String.join(",", zkHosts) + zkChroot : urls.toString();
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
