package dev.fathom.ops.cli;

import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.workspace.CollectionStore;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.search.SearchScope;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code fathom-docs} demo collection: Fathom's own docs/ folder, so that {@code fathom ask}
 * answers something on a fresh clone. It is used only while the user has ingested nothing (no
 * {@code default} collection) and no {@code --collection} was named, and the command says so on
 * stderr; the user's own documents never share an index with it.
 */
final class DemoCollection {
  private DemoCollection() {}

  /**
   * The collection a question goes to: the one named, else {@code default} when it exists, else the
   * demo collection (told on {@code err}).
   */
  static CollectionName choose(FathomConfig config, ScopeOptions scope, PrintStream err) {
    return choose(config, scope, err, true);
  }

  /**
   * Like {@link #choose(FathomConfig, ScopeOptions, PrintStream)}; with {@code create} false the
   * demo collection is chosen only when it exists already ({@code fathom search} never indexes the
   * bundled docs itself).
   */
  static CollectionName choose(
      FathomConfig config, ScopeOptions scope, PrintStream err, boolean create) {
    CollectionName named = scope.collection();
    if (scope.named()) return named;
    if (exists(config, CollectionName.DEFAULT)) return named;
    if (!create && !exists(config, CollectionName.DEMO)) return named;
    err.println(
        "fathom: you have ingested nothing yet, so this comes from the demo collection '"
            + CollectionName.DEMO
            + "' (Fathom's own docs). `fathom ingest PATH...` adds your documents to the"
            + " 'default' collection, which is used from then on.");
    return CollectionName.DEMO;
  }

  /** Whether {@code c} exists where passages live: the data directory, or SolrCloud. */
  private static boolean exists(FathomConfig config, CollectionName c) {
    try (dev.fathom.ops.workspace.IndexBackend backend =
        dev.fathom.ops.workspace.IndexBackend.from(config.raw())) {
      return backend.solr()
          ? backend.hasSolrCollection(c)
          : new CollectionStore(config.dataDir()).exists(c);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception closing) {
      throw new IllegalStateException("cannot close the Solr client: " + closing, closing);
    }
  }

  /** Indexes the bundled docs into the demo collection when {@code ws} is it and it is missing. */
  static void ensureIndexed(Workspace ws) {
    if (!ws.home().collection().equals(CollectionName.DEMO) || ws.indexExists()) return;
    Path home = Path.of(System.getProperty("fathom.home", ".")).toAbsolutePath().normalize();
    Path corpus = home.resolve(ws.config().defaultCorpus());
    if (!Files.isDirectory(corpus)) {
      throw new ErrorHandler.UserError(
          "nothing ingested yet and no bundled docs at "
              + corpus
              + " for the demo collection: run `fathom ingest PATH...` first");
    }
    System.err.println(
        "First use: indexing "
            + Sources.display(corpus.toString())
            + " into the demo collection ("
            + ws.indexDir()
            + ") ...");
    IngestCommand.runIngest(ws, List.of(corpus), System.err);
  }

  /** {@code scope} moved to {@code name}. */
  static SearchScope in(CollectionName name, SearchScope scope) {
    return new SearchScope(name, scope.filter());
  }
}
