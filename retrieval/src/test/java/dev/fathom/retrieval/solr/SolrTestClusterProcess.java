package dev.fathom.retrieval.solr;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A SolrCloud test cluster in a child JVM ({@code dev.fathom.solrcluster.SolrTestCluster} from the
 * solr-testcluster module, on the classpath that module's build wrote): Solr 9 needs Lucene 9,
 * which cannot share this JVM's classpath with Fathom's Lucene 10.
 */
public final class SolrTestClusterProcess implements AutoCloseable {
  private static final String TAG = "FATHOM-SOLR ";

  private final Process process;
  private final Writer commands;
  private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
  private final List<String> urls = new ArrayList<>();
  private String zk;

  private SolrTestClusterProcess(Process process) {
    this.process = process;
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(
                              process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                      if (line.startsWith(TAG)) replies.add(line.substring(TAG.length()));
                    }
                  } catch (IOException ignored) {
                    // the child exited; waiters time out with the log path in their message
                  }
                  replies.add("exited");
                });
    reader.setName("solr-test-cluster-stdout");
  }

  /** Starts {@code nodes} Solr nodes under {@code dir} and waits until all are up. */
  public static SolrTestClusterProcess start(int nodes, Path dir) throws Exception {
    Path module = Path.of(System.getProperty("fathom.root", "..")).resolve("solr-testcluster");
    Path cpFile = module.resolve("target/solr-classpath.txt");
    if (!Files.isRegularFile(cpFile)) {
      throw new IllegalStateException(
          cpFile + " is missing: build with -am so the solr-testcluster module runs first");
    }
    String cp =
        module.resolve("target/classes")
            + java.io.File.pathSeparator
            + Files.readString(cpFile).trim();
    String java = ProcessHandle.current().info().command().orElse("java");
    Files.createDirectories(dir);
    Process p =
        new ProcessBuilder(
                java,
                "-Xmx768m",
                "-XX:+UseSerialGC",
                "-cp",
                cp,
                "dev.fathom.solrcluster.SolrTestCluster",
                Integer.toString(nodes),
                dir.resolve("nodes").toString())
            .redirectError(dir.resolve("cluster.err").toFile())
            .start();
    SolrTestClusterProcess c = new SolrTestClusterProcess(p);
    try {
      for (String r = c.next(90, dir); !r.equals("ready"); r = c.next(90, dir)) {
        if (r.startsWith("url ")) c.urls.add(r.substring(4));
        if (r.startsWith("zk ")) c.zk = r.substring(3);
      }
    } catch (Exception e) {
      c.close();
      throw e;
    }
    return c;
  }

  public List<String> urls() {
    return List.copyOf(urls);
  }

  /** The embedded ZooKeeper as a connection string with the cluster's chroot ({@code h:p/solr}). */
  public String zkConnect() {
    return zk;
  }

  /** Stops node {@code i} (0-based) the way a crash would look to clients: its port goes away. */
  public void stopNode(int i) throws Exception {
    commands.write("stop " + i + "\n");
    commands.flush();
    String r = next(60, null);
    if (!r.equals("stopped " + i)) throw new IllegalStateException("cluster answered: " + r);
  }

  private String next(int seconds, Path dir) throws InterruptedException {
    String r = replies.poll(seconds, TimeUnit.SECONDS);
    if (r == null || r.equals("exited")) {
      throw new IllegalStateException(
          "Solr test cluster "
              + (r == null ? "did not answer in " + seconds + " s" : "exited")
              + (dir == null ? "" : "; see " + dir.resolve("cluster.err")));
    }
    return r;
  }

  @Override
  public void close() throws InterruptedException {
    try {
      commands.write("quit\n");
      commands.flush();
    } catch (IOException ignored) {
      // already gone
    }
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
