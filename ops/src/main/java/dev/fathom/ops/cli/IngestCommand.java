package dev.fathom.ops.cli;

import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.ingest.IngestListener;
import dev.fathom.retrieval.ingest.IngestReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code fathom ingest PATH...}: incremental indexing of files and directories. */
@Command(
    name = "ingest",
    description = {
      "Index files and directories (.txt, .md, .html, .pdf).",
      "Unchanged files are skipped, changed files replaced, and files gone from an ingested",
      "directory removed. Unreadable files are reported and skipped."
    })
public final class IngestCommand implements Callable<Integer> {

  @Mixin DataOption data;

  @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or directories.")
  List<Path> paths;

  @Override
  public Integer call() {
    try (Workspace ws = new Workspace(data.config())) {
      runIngest(ws, paths, System.out);
    }
    return 0;
  }

  static IngestReport runIngest(Workspace ws, List<Path> paths, PrintStream summary) {
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
            });
    bar.finish();
    summary.println(report.summary());
    return report;
  }
}
