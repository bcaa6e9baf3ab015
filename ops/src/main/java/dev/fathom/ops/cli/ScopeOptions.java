package dev.fathom.ops.cli;

import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.filter.FilterSyntax;
import dev.fathom.retrieval.filter.SearchFilter;
import dev.fathom.retrieval.search.SearchScope;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --collection NAME} and {@code --filter EXPR}: which collection a command searches and
 * which of its documents (docs/collections.md).
 */
public final class ScopeOptions {

  @Option(
      names = "--collection",
      paramLabel = "NAME",
      description =
          "The collection to search (default: default; `fathom collections list` shows them).")
  String collection;

  @Option(
      names = "--filter",
      paramLabel = "EXPR",
      description = {
        "Only documents matching EXPR (repeatable, all must hold): key=value, key=a,b,",
        "'key>=n', 'key<n', key=lo..hi (numbers or dates like 2024-03-01), path:prefix.",
        "E.g. --filter author=Ann --filter 'year>=2020' --filter path:docs/"
      })
  List<String> filters = new ArrayList<>();

  /** Whether the user named a collection (so no fallback to the demo collection). */
  boolean named() {
    return collection != null;
  }

  CollectionName collection() {
    try {
      return CollectionName.of(collection);
    } catch (IllegalArgumentException e) {
      throw new ErrorHandler.UserError("--collection: " + e.getMessage());
    }
  }

  /**
   * The scope; a relative {@code path:} prefix also matches the absolute paths of files ingested
   * from under the working directory (sources of files are recorded absolute).
   */
  SearchScope scope() {
    return scope(collection());
  }

  SearchScope scope(CollectionName name) {
    try {
      return new SearchScope(name, FilterSyntax.parseAll(filters, ScopeOptions::absolute));
    } catch (IllegalArgumentException e) {
      throw new ErrorHandler.UserError("--filter: " + e.getMessage());
    }
  }

  SearchFilter filter() {
    return scope().filter();
  }

  private static String absolute(String prefix) {
    try {
      Path p = Path.of(prefix);
      if (p.isAbsolute()) return null;
      String abs = Path.of("").toAbsolutePath().resolve(p).normalize().toString();
      return prefix.endsWith("/") ? abs + "/" : abs;
    } catch (InvalidPathException e) {
      return null;
    }
  }
}
