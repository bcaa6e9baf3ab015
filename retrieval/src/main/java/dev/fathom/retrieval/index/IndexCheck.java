package dev.fathom.retrieval.index;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;

/**
 * {@code fathom index check}: runs Lucene's {@link CheckIndex} over an index directory (with
 * checksum verification of every file) and says, in words, what is wrong and what to do. Read-only:
 * it never repairs or deletes, and it needs the write lock only to be sure no writer changes files
 * under it (a running {@code fathom serve} or ingest must be stopped first).
 */
public final class IndexCheck {
  private IndexCheck() {}

  /**
   * @param healthy true when Lucene found no problem
   * @param problems what is wrong, one line each (empty when healthy)
   * @param advice what to do next, for the user
   * @param segments segments in the last commit
   * @param documents Lucene documents (passages and source records) in the last commit
   * @param appliedOffsets the document-stream offsets the last commit records
   * @param details Lucene's own report, for a bug report
   */
  public record Result(
      boolean healthy,
      List<String> problems,
      String advice,
      int segments,
      long documents,
      Map<StreamPartition, Long> appliedOffsets,
      String details) {
    public Result {
      problems = List.copyOf(problems);
    }
  }

  /** Checks the index at {@code path}; never throws for a damaged index, only reports it. */
  public static Result run(Path path) {
    if (!PassageIndex.exists(path)) {
      return new Result(
          false,
          List.of("no committed index at " + path),
          "nothing to check: `fathom ingest PATH...` or `fathom serve` creates it",
          0,
          0,
          Map.of(),
          "");
    }
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (Directory dir = FSDirectory.open(path);
        CheckIndex checker = new CheckIndex(dir)) {
      checker.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_INTEGRITY_CHECKS); // includes checksums
      checker.setInfoStream(new PrintStream(log, true, StandardCharsets.UTF_8), false);
      CheckIndex.Status st = checker.checkIndex();
      String details = log.toString(StandardCharsets.UTF_8);
      long docs = 0;
      for (CheckIndex.Status.SegmentInfoStatus seg : st.segmentInfos) docs += seg.maxDoc;
      Map<StreamPartition, Long> offsets =
          st.userData == null ? Map.of() : IndexChecks.offsets(st.userData);
      if (st.clean) {
        return new Result(
            true, List.of(), "no action needed", st.numSegments, docs, offsets, details);
      }
      List<String> problems = new ArrayList<>();
      if (st.missingSegments) problems.add("the commit point (segments file) cannot be read");
      if (st.numBadSegments > 0) {
        problems.add(
            st.numBadSegments
                + " of "
                + st.numSegments
                + " segments are corrupt, holding "
                + st.totLoseDocCount
                + " documents");
      }
      for (CheckIndex.Status.SegmentInfoStatus seg : st.segmentInfos) {
        if (seg.error != null) {
          problems.add("segment " + seg.name + ": " + rootMessage(seg.error));
        }
      }
      if (problems.isEmpty()) problems.add("Lucene reports the index unclean; see details");
      return new Result(
          false, problems, IndexChecks.REBUILD_ADVICE, st.numSegments, docs, offsets, details);
    } catch (LockObtainFailedException e) {
      return new Result(
          false,
          List.of("index at " + path + " is locked by another process"),
          "stop the `fathom serve` or `fathom ingest` using it, then check again",
          0,
          0,
          Map.of(),
          log.toString(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return new Result(
          false,
          List.of("cannot read the index at " + path + ": " + rootMessage(e)),
          IndexChecks.REBUILD_ADVICE,
          0,
          0,
          Map.of(),
          log.toString(StandardCharsets.UTF_8));
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
