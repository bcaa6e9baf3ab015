package dev.fathom.retrieval.ingest;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.access.AccessList;
import dev.fathom.retrieval.access.AccessLists;
import dev.fathom.retrieval.embed.Embedder;
import dev.fathom.retrieval.index.FileRecord;
import dev.fathom.retrieval.index.PassageStore;
import dev.fathom.retrieval.meta.DocumentMetadata;
import dev.fathom.retrieval.parse.DocumentParsers;
import dev.fathom.retrieval.parse.ParsedDocument;
import dev.fathom.retrieval.parse.UnreadableDocumentException;
import dev.fathom.retrieval.text.Chunker;
import dev.fathom.retrieval.text.TextSpan;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Incremental ingest of files and directories into a {@link PassageStore} (the embedded Lucene
 * index or SolrCloud).
 *
 * <ul>
 *   <li>Unchanged files (same SHA-256 as recorded in the index) are skipped.
 *   <li>Changed files replace their old passages.
 *   <li>Files that disappeared from an ingested directory are removed from the index.
 *   <li>Unreadable, binary or malformed files are reported and skipped; the rest goes on, and a
 *       previously indexed version stays.
 *   <li>Each file's access list is its sidecar {@code <file>.acl} when present, else the default
 *       given to {@link #ingest(List, IngestListener, AccessList)} (see {@link AccessLists}); a
 *       changed access list re-indexes the file even when its bytes are unchanged. A malformed
 *       sidecar fails that file (reported), never silently making it public.
 * </ul>
 *
 * Changes are committed every {@link Settings#commitEveryPassages()} passages and at the end; each
 * commit holds whole files only, so an ingest killed half-way leaves a consistent, searchable
 * index.
 */
public final class Ingestor {

  /**
   * @param chunker how documents are cut into passages
   * @param embedBatch passages embedded together (across files)
   * @param commitEveryPassages a commit is made after at least this many new passages
   * @param sentenceVectors whether each passage's sentences are embedded and stored with it (when
   *     the store keeps them), so compression embeds only the question (docs/compression.md)
   */
  public record Settings(
      Chunker chunker, int embedBatch, int commitEveryPassages, boolean sentenceVectors) {
    /** Settings that store sentence vectors. */
    public Settings(Chunker chunker, int embedBatch, int commitEveryPassages) {
      this(chunker, embedBatch, commitEveryPassages, true);
    }

    public Settings {
      if (embedBatch < 1 || embedBatch > 4096) {
        throw new IllegalArgumentException("embedBatch must be in [1, 4096], got " + embedBatch);
      }
      if (commitEveryPassages < 1) {
        throw new IllegalArgumentException(
            "commitEveryPassages must be >= 1, got " + commitEveryPassages);
      }
    }

    public static Settings defaults() {
      return new Settings(Chunker.defaults(), 128, 2000);
    }
  }

  private final PassageStore index;
  private final Embedder embedder;
  private final Settings settings;
  private final SourceFiles sourceFiles;

  /**
   * @param excluded directories never descended into (the data directory, so Fathom does not index
   *     its own index)
   */
  public Ingestor(PassageStore index, Embedder embedder, Settings settings, Set<Path> excluded) {
    this.index = index;
    this.embedder = embedder;
    this.settings = settings;
    this.sourceFiles = new SourceFiles(excluded);
  }

  /**
   * Ingests {@code paths} (files or directories).
   *
   * @throws IllegalArgumentException naming the first path that does not exist, before any change
   */
  public IngestReport ingest(List<Path> paths, IngestListener listener) {
    return ingest(paths, listener, AccessList.PUBLIC);
  }

  /**
   * Ingests {@code paths}, giving files without a sidecar {@code <file>.acl} the access list {@code
   * defaultAcl} ({@code fathom ingest --acl}).
   *
   * @throws IllegalArgumentException naming the first path that does not exist, before any change
   */
  public IngestReport ingest(List<Path> paths, IngestListener listener, AccessList defaultAcl) {
    return ingest(paths, listener, defaultAcl, DocumentMetadata.EMPTY);
  }

  /**
   * Ingests {@code paths} as {@link #ingest(List, IngestListener, AccessList)} does, each file's
   * metadata being what it says about itself (front matter, HTML meta, PDF information) with {@code
   * extra} ({@code fathom ingest --meta k=v}) replacing keys of the same name. A file recorded
   * before titles and metadata were (an index of an earlier version) counts as changed, so its
   * metadata becomes filterable on the next ingest.
   */
  public IngestReport ingest(
      List<Path> paths, IngestListener listener, AccessList defaultAcl, DocumentMetadata extra) {
    long t0 = System.nanoTime();
    Map<Path, Path> files = sourceFiles.collect(paths, listener); // file -> root found under
    listener.started(files.size());
    Map<String, FileRecord> known = index.fileRecords();

    EmbedBatch batch = new EmbedBatch(index, embedder, settings.sentenceVectors());
    int done = 0, indexed = 0, unchanged = 0, failed = 0, passages = 0, sinceCommit = 0;
    for (Map.Entry<Path, Path> e : files.entrySet()) {
      Path file = e.getKey();
      String source = file.toString();
      try {
        AccessList sidecar = AccessLists.sidecar(file);
        AccessList acl = sidecar != null ? sidecar : defaultAcl;
        byte[] bytes = Files.readAllBytes(file);
        String sha = sha256(bytes);
        FileRecord old = known.get(source);
        if (old != null && old.fromStream()) {
          // Namespaces: a document posted over Kafka/HTTP with this id is not ours to replace.
          throw new IllegalArgumentException(
              file
                  + ": a document with this id came through the document stream (Kafka/HTTP);"
                  + " ingest does not replace it (delete it there first)");
        }
        if (old != null
            && old.sha256().equals(sha)
            && old.acl().equals(acl)
            && old.title() != null
            && holds(old.metadata(), extra)) {
          unchanged++;
        } else {
          ParsedDocument doc = DocumentParsers.parse(file.getFileName().toString(), bytes);
          List<Passage> ps = passages(source, doc);
          batch.add(
              new FileRecord(
                  source,
                  e.getValue().toString(),
                  sha,
                  ps.size(),
                  acl,
                  doc.title(),
                  doc.metadata().with(extra)),
              ps);
          indexed++;
          passages += ps.size();
          sinceCommit += ps.size();
        }
      } catch (UnreadableDocumentException | IllegalArgumentException ex) {
        failed++;
        listener.warning(file, ex.getMessage());
      } catch (AccessDeniedException ex) {
        failed++;
        listener.warning(file, file + ": permission denied");
      } catch (NoSuchFileException ex) {
        failed++;
        listener.warning(file, file + ": disappeared while ingesting");
      } catch (IOException ex) {
        failed++;
        listener.warning(file, file + ": " + ex.getMessage());
      }
      if (batch.size() >= settings.embedBatch()) batch.flush();
      if (sinceCommit >= settings.commitEveryPassages()) {
        batch.flush();
        index.commit();
        sinceCommit = 0;
      }
      listener.progress(++done, files.size(), passages);
    }
    batch.flush();
    int removed = removeVanished(paths, files.keySet(), known);
    index.commit();
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new IngestReport(files.size(), indexed, unchanged, failed, removed, passages, seconds);
  }

  /** Whether {@code recorded} already holds every field of {@code extra} as given. */
  private static boolean holds(DocumentMetadata recorded, DocumentMetadata extra) {
    for (var e : extra.fields().entrySet()) {
      if (!e.getValue().equals(recorded.fields().get(e.getKey()))) return false;
    }
    return true;
  }

  private List<Passage> passages(String source, ParsedDocument doc) {
    List<TextSpan> spans = settings.chunker().chunk(doc.text());
    List<Passage> out = new ArrayList<>(spans.size());
    for (int i = 0; i < spans.size(); i++) {
      TextSpan s = spans.get(i);
      TextSpan at =
          doc.offsets().toSource(s); // Markdown: the file's characters, not the plain text
      out.add(
          new Passage(
              source + "#" + i, source, doc.title(), s.of(doc.text()), at.start(), at.end()));
    }
    return out;
  }

  /** Sources recorded under an ingested directory whose files are gone. */
  private int removeVanished(List<Path> paths, Set<Path> present, Map<String, FileRecord> known) {
    int removed = 0;
    for (Path p : paths) {
      Path root = p.toAbsolutePath().normalize();
      if (!Files.isDirectory(root)) continue;
      for (FileRecord r : known.values()) {
        if (r.fromStream()) continue; // not a file: the document stream owns it
        Path source = Path.of(r.source());
        if (source.startsWith(root) && !present.contains(source) && !Files.isRegularFile(source)) {
          index.deleteSource(r.source());
          removed++;
        }
      }
    }
    return removed;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
