package dev.fathom.solrcluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettyConfig;

/**
 * A SolrCloud for integration tests, run as its own process: {@code SolrTestCluster NODES DIR}
 * starts NODES Jetty nodes and an embedded ZooKeeper under DIR, prints {@code FATHOM-SOLR url
 * <baseUrl>} per node, {@code FATHOM-SOLR zk <host:port/chroot>} and {@code FATHOM-SOLR ready}, then obeys stdin: {@code stop <i>} stops node
 * i (printing {@code FATHOM-SOLR stopped <i>}), {@code quit} or end of input shuts everything down.
 *
 * <p>It talks over stdin/stdout rather than an API because the test that drives it cannot load it:
 * Solr 9 runs on Lucene 9, Fathom on Lucene 10.
 */
public final class SolrTestCluster {
  private static final String TAG = "FATHOM-SOLR ";

  private SolrTestCluster() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: SolrTestCluster NODES DIR");
      System.exit(2);
    }
    int nodes = Integer.parseInt(args[0]);
    if (nodes < 1 || nodes > 9) throw new IllegalArgumentException("NODES must be in [1, 9]");
    Path dir = Files.createDirectories(Path.of(args[1]));
    MiniSolrCloudCluster cluster =
        new MiniSolrCloudCluster(nodes, dir, JettyConfig.builder().setContext("/solr").build());
    try {
      for (var jetty : cluster.getJettySolrRunners()) say("url " + jetty.getBaseUrl());
      say("zk " + cluster.getZkServer().getZkAddress()); // host:port/chroot of the embedded ZK
      say("ready");
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        String[] cmd = line.trim().split("\\s+");
        if (cmd[0].equals("quit")) break;
        if (cmd[0].equals("stop") && cmd.length == 2) {
          int i = Integer.parseInt(cmd[1]);
          cluster.stopJettySolrRunner(i);
          say("stopped " + i);
        } else {
          say("error unknown command '" + line + "'");
        }
      }
    } finally {
      cluster.shutdown();
    }
    System.exit(0);
  }

  private static void say(String line) {
    System.out.println(TAG + line);
    System.out.flush();
  }
}
