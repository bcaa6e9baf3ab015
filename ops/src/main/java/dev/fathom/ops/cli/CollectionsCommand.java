package dev.fathom.ops.cli;

import dev.fathom.ops.json.Json;
import dev.fathom.ops.workspace.CollectionStore;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.index.StreamStore;
import dev.fathom.retrieval.search.SearchScope;
import dev.fathom.retrieval.solr.SolrPassageStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fathom collections list|delete}: the collections of the data directory. */
@Command(
    name = "collections",
    description = {
      "List or delete collections: named sets of documents, each with its own index",
      "(docs/collections.md)."
    },
    subcommands = {CollectionsCommand.ListCollections.class, CollectionsCommand.Delete.class})
public final class CollectionsCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** One row of {@code collections list}: the name, documents and passages, index directory. */
  static Map<String, Object> row(Workspace ws, CollectionName name) {
    StreamStore index = ws.documentStore(name);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name.value());
    m.put("documents", index.fileRecords().size());
    m.put("passages", index.passageCount());
    // With the Solr backend, where the collection lives is its Solr collection.
    m.put(
        "index",
        index instanceof SolrPassageStore solr
            ? "solr:" + solr.collection()
            : ws.collections().indexDir(name).toString());
    return m;
  }

  @Command(name = "list", description = "List the collections with their document counts.")
  static final class ListCollections implements Callable<Integer> {
    @Mixin DataOption data;

    @Option(names = "--json", description = "Print the collections as JSON.")
    boolean json;

    @Override
    public Integer call() {
      try (Workspace ws = new Workspace(data.config())) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CollectionName n : ws.collectionNames()) rows.add(row(ws, n));
        if (json) {
          System.out.println(Json.write(Map.of("collections", rows)));
        } else if (rows.isEmpty()) {
          System.out.println(
              "No collections in " + ws.config().dataDir() + ": run `fathom ingest PATH...`.");
        } else {
          for (Map<String, Object> r : rows) {
            System.out.printf(
                "%-24s %6d documents %8d passages%n",
                r.get("name"), r.get("documents"), r.get("passages"));
          }
        }
      }
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a collection and its index from disk.")
  static final class Delete implements Callable<Integer> {
    @Mixin DataOption data;

    @Parameters(paramLabel = "NAME", description = "The collection.")
    String name;

    @Override
    public Integer call() {
      CollectionName c;
      try {
        c = CollectionName.of(name);
      } catch (IllegalArgumentException e) {
        throw new ErrorHandler.UserError(e.getMessage());
      }
      try (Workspace ws = new Workspace(data.config(), SearchScope.of(c))) {
        if (ws.backend().solr()) return deleteOnSolr(ws, c);
      }
      CollectionStore store = new CollectionStore(data.config().dataDir());
      if (!store.exists(c)) {
        throw new ErrorHandler.UserError(
            "no collection '" + c + "' (`fathom collections list` shows those there are)");
      }
      // Opening for writing takes Lucene's lock: a running `fathom serve` keeps it safe.
      try (Workspace ws = new Workspace(data.config(), SearchScope.of(c))) {
        ws.writableIndex().close();
      } catch (RuntimeException e) {
        throw new ErrorHandler.UserError(
            "cannot delete collection '"
                + c
                + "': "
                + e.getMessage()
                + " (is `fathom serve` running?)");
      }
      store.delete(c);
      System.out.println("Deleted collection " + c + ".");
      return 0;
    }

    /**
     * Deletes the Solr collection (every serve node sharing it loses it at once; documents from the
     * documents topic come back when serve rebuilds, docs/scale-out.md).
     */
    private static int deleteOnSolr(Workspace ws, CollectionName c) {
      if (!ws.collectionExists(c)) {
        throw new ErrorHandler.UserError(
            "no collection '"
                + c
                + "' on SolrCloud (`fathom collections list` shows those there are)");
      }
      ws.backend().dropSolrCollection(c);
      System.out.println("Deleted collection " + c + " (its Solr collection).");
      return 0;
    }
  }
}
