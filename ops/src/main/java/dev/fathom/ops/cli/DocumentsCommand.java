package dev.fathom.ops.cli;

import dev.fathom.ops.json.Json;
import dev.fathom.ops.workspace.DocumentViews;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.index.FileRecord;
import dev.fathom.retrieval.index.StreamStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fathom documents list|show|delete}: the documents of one collection. */
@Command(
    name = "documents",
    description =
        "List, show or delete the documents of a collection (--collection, default: default).",
    subcommands = {
      DocumentsCommand.ListDocuments.class,
      DocumentsCommand.Show.class,
      DocumentsCommand.Delete.class
    })
public final class DocumentsCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The collection option and how a document is named on the command line. */
  abstract static class InCollection {
    @Mixin DataOption data;
    @Mixin ScopeOptions scope;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    Workspace open() {
      return new Workspace(data.config(), scope.scope());
    }

    /**
     * The record of {@code id}: a source as stored, or a path relative to the working directory.
     */
    static FileRecord find(StreamStore index, String id) {
      FileRecord r = DocumentViews.find(index, id);
      if (r == null) {
        throw new ErrorHandler.UserError(
            "no document '" + id + "' in this collection (`fathom documents list` shows them)");
      }
      return r;
    }
  }

  @Command(name = "list", description = "List the documents: path or id, title, passages.")
  static final class ListDocuments extends InCollection implements Callable<Integer> {
    @Override
    public Integer call() {
      try (Workspace ws = open()) {
        List<Map<String, Object>> rows = new ArrayList<>();
        StreamStore index = ws.documentStore(ws.home().collection()); // Lucene or Solr
        // Filters apply to documents as to passages: only documents with matching metadata.
        for (FileRecord r : DocumentViews.list(index, scope.filter()))
          rows.add(DocumentViews.row(r));
        if (json) {
          System.out.println(
              Json.write(Map.of("collection", ws.home().collection().value(), "documents", rows)));
          return 0;
        }
        if (rows.isEmpty()) System.out.println("No documents in " + ws.home().collection() + ".");
        for (Map<String, Object> row : rows) {
          System.out.printf(
              "%-50s %5d passages  %s%n", row.get("path"), row.get("passages"), row.get("title"));
        }
      }
      return 0;
    }
  }

  @Command(name = "show", description = "Show one document: title, metadata, access list.")
  static final class Show extends InCollection implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "Its path (as listed) or document id.")
    String id;

    @Override
    public Integer call() {
      try (Workspace ws = open()) {
        Map<String, Object> row =
            DocumentViews.row(find(ws.documentStore(ws.home().collection()), id));
        if (json) {
          System.out.println(Json.write(row));
          return 0;
        }
        row.forEach((k, v) -> System.out.printf("%-9s %s%n", k + ":", v));
      }
      return 0;
    }
  }

  @Command(name = "delete", description = "Remove one document and its passages from the index.")
  static final class Delete extends InCollection implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "Its path (as listed) or document id.")
    String id;

    @Override
    public Integer call() {
      try (Workspace ws = open()) {
        StreamStore index = ws.writableDocumentStore(ws.home().collection());
        FileRecord r = find(index, id);
        index.deleteSource(r.source());
        index.commit();
        System.out.println(
            "Deleted "
                + Sources.display(r.source())
                + " from "
                + ws.home().collection()
                + (r.fromStream()
                    ? "."
                    : " (ingesting its folder again adds it back while the file exists)."));
      }
      return 0;
    }
  }
}
