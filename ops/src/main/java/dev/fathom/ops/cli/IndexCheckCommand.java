package dev.fathom.ops.cli;

import dev.fathom.retrieval.index.IndexCheck;
import dev.fathom.retrieval.index.StreamPartition;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fathom index check}: Lucene's {@code CheckIndex} with checksums over the data directory's
 * index ({@link IndexCheck}), printed as what is wrong and what to do. Read-only; exit code 0 when
 * healthy, 1 when not.
 */
@Command(
    name = "check",
    description = {
      "Verify the index: every file's checksum and Lucene's structural checks (read-only).",
      "Prints what is wrong and what to do; exit code 0 when healthy, 1 otherwise.",
      "Stop `fathom serve` and `fathom ingest` on this data directory first."
    })
public final class IndexCheckCommand implements Callable<Integer> {

  @Mixin DataOption data;

  @Option(names = "--details", description = "Also print Lucene's own report.")
  boolean details;

  @Override
  public Integer call() {
    return report(IndexCheck.run(data.config().indexDir()), details, System.out);
  }

  /** Prints {@code r} on {@code out}; returns the exit code. */
  static int report(IndexCheck.Result r, boolean details, PrintStream out) {
    if (r.healthy()) {
      out.printf("index healthy: %d segments, %d documents%n", r.segments(), r.documents());
    } else {
      out.println("index NOT healthy:");
      for (String p : r.problems()) out.println("  - " + p);
    }
    for (Map.Entry<StreamPartition, Long> e : r.appliedOffsets().entrySet()) {
      out.println("applied " + e.getKey() + " up to offset " + e.getValue());
    }
    out.println("what to do: " + r.advice());
    if (details && !r.details().isBlank()) {
      out.println();
      out.print(r.details());
    }
    return r.healthy() ? 0 : 1;
  }
}
