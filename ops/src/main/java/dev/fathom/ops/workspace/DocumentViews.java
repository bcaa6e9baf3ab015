package dev.fathom.ops.workspace;

import dev.fathom.ops.json.SourcePaths;
import dev.fathom.retrieval.filter.MetadataFilter;
import dev.fathom.retrieval.filter.SearchFilter;
import dev.fathom.retrieval.index.FileRecord;
import dev.fathom.retrieval.index.StreamStore;
import dev.fathom.retrieval.meta.MetadataValues;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The documents of a collection as the command line and {@code GET /v1/collections/{c}/documents}
 * show them: one shape for both, paths in the display form.
 */
public final class DocumentViews {
  private DocumentViews() {}

  /** The documents of {@code index} whose metadata and path match {@code filter}, by source. */
  public static List<FileRecord> list(StreamStore index, SearchFilter filter) {
    List<FileRecord> out = new ArrayList<>();
    for (FileRecord r : index.fileRecords().values()) if (matches(r, filter)) out.add(r);
    out.sort(Comparator.comparing(FileRecord::source));
    return out;
  }

  /**
   * The record of {@code id}: a source as stored, or a path relative to the working directory; null
   * when there is none.
   */
  public static FileRecord find(StreamStore index, String id) {
    FileRecord r = index.fileRecord(id);
    if (r != null) return r;
    try {
      Path abs = Path.of(id).toAbsolutePath().normalize();
      return index.fileRecord(abs.toString());
    } catch (InvalidPathException e) {
      return null;
    }
  }

  /** {@code {"id","path","title","passages","origin","acl","metadata"}}. */
  public static Map<String, Object> row(FileRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.source());
    m.put("path", SourcePaths.display(r.source()));
    m.put("title", r.title() == null ? "" : r.title());
    m.put("passages", r.passages());
    m.put("origin", r.fromStream() ? r.root() : SourcePaths.display(r.root()));
    m.put("acl", r.acl().tokens());
    m.put("metadata", r.metadata().fields());
    return m;
  }

  /** The filter evaluated on a record's stored metadata, as the index query evaluates it. */
  static boolean matches(FileRecord r, SearchFilter filter) {
    for (MetadataFilter f : filter.conditions()) {
      boolean ok =
          switch (f) {
            case MetadataFilter.AnyOf a -> {
              List<String> vs = r.metadata().fields().getOrDefault(a.key(), List.of());
              yield vs.stream()
                  .anyMatch(v -> a.values().stream().anyMatch(w -> w.equalsIgnoreCase(v)));
            }
            case MetadataFilter.PathPrefix p ->
                p.prefixes().stream()
                    .anyMatch(pre -> r.pathForms().stream().anyMatch(s -> s.startsWith(pre)));
            case MetadataFilter.Range g ->
                r.metadata().fields().getOrDefault(g.key(), List.of()).stream()
                    .anyMatch(v -> inRange(v, g));
          };
      if (!ok) return false;
    }
    return true;
  }

  private static boolean inRange(String v, MetadataFilter.Range g) {
    boolean number = g.kind() == MetadataFilter.Range.Kind.NUMBER;
    Double x =
        number
            ? (MetadataValues.number(v).isPresent() ? MetadataValues.number(v).getAsDouble() : null)
            : (MetadataValues.date(v).isPresent()
                ? (double) MetadataValues.date(v).getAsLong()
                : null);
    if (x == null) return false;
    if (g.lower() != null) {
      double lo = bound(g.lower(), number);
      if (x < lo || (!g.lowerInclusive() && x == lo)) return false;
    }
    if (g.upper() != null) {
      double hi = bound(g.upper(), number);
      if (x > hi || (!g.upperInclusive() && x == hi)) return false;
    }
    return true;
  }

  private static double bound(String b, boolean number) {
    return number
        ? MetadataValues.number(b).getAsDouble()
        : (double) MetadataValues.date(b).getAsLong();
  }
}
