package dev.fathom.ops.cli;

import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.access.AccessList;
import dev.fathom.retrieval.access.AccessLists;
import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.ingest.IngestListener;
import dev.fathom.retrieval.ingest.IngestReport;
import dev.fathom.retrieval.meta.DocumentMetadata;
import dev.fathom.retrieval.search.SearchScope;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fathom ingest PATH...}: incremental indexing of files and directories. */
@Command(
    name = "ingest",
    description = {
      "Index files and directories (.txt, .md, .html, .pdf, .docx, .pptx, .xlsx, .odt, .epub,"
          + " .rtf, ...) into a collection (--collection, default: default).",
      "Unchanged files are skipped, changed files replaced, and files gone from an ingested",
      "directory removed. Unreadable files are reported and skipped."
    })
public final class IngestCommand implements Callable<Integer> {

  @Mixin DataOption data;

  @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or directories.")
  List<Path> paths;

  @Option(
      names = "--acl",
      paramLabel = "LIST",
      description = {
        "Who may read the files without a FILE.acl sidecar when the server answers:",
        "e.g. \"user:alice,group:eng\", or public (default). See docs/security.md."
      })
  String acl;

  @Option(
      names = "--collection",
      paramLabel = "NAME",
      description = "The collection to add the files to (default: default); created when new.")
  String collection;

  @Option(
      names = "--meta",
      paramLabel = "KEY=VALUE",
      description = {
        "Metadata for every file of this ingest (repeatable), beside what the files say",
        "about themselves (front matter, HTML meta, PDF info); searchable with --filter."
      })
  List<String> meta = new ArrayList<>();

  @Override
  public Integer call() {
    AccessList defaultAcl = acl == null ? AccessList.PUBLIC : AccessLists.parse(acl);
    CollectionName name;
    DocumentMetadata extra = DocumentMetadata.EMPTY;
    try {
      name = CollectionName.of(collection);
      for (String m : meta) extra = extra.with(DocumentMetadata.parseAssignment(m));
    } catch (IllegalArgumentException e) {
      throw new ErrorHandler.UserError(e.getMessage());
    }
    try (Workspace ws = new Workspace(data.config(), SearchScope.of(name))) {
      runIngest(ws, paths, defaultAcl, extra, System.out);
      System.out.println(
          "Collection: "
              + name
              + " ("
              + (ws.backend().solr() ? "SolrCloud" : ws.indexDir().toString()) // docs/scale-out.md
              + ")");
    }
    return 0;
  }

  static IngestReport runIngest(Workspace ws, List<Path> paths, PrintStream summary) {
    return runIngest(ws, paths, AccessList.PUBLIC, summary);
  }

  static IngestReport runIngest(
      Workspace ws, List<Path> paths, AccessList defaultAcl, PrintStream summary) {
    return runIngest(ws, paths, defaultAcl, DocumentMetadata.EMPTY, summary);
  }

  static IngestReport runIngest(
      Workspace ws,
      List<Path> paths,
      AccessList defaultAcl,
      DocumentMetadata extra,
      PrintStream summary) {
    ProgressBar bar = new ProgressBar("ingest");
    IngestReport report =
        ws.ingest(
            paths,
            new IngestListener() {
              @Override
              public void progress(int done, int files, int passages) {
                bar.update(done, files, passages + " passages");
              }

              @Override
              public void warning(Path file, String reason) {
                bar.message("warning: skipped " + reason);
              }
            },
            defaultAcl,
            extra);
    bar.finish();
    summary.println(report.summary());
    return report;
  }
}
