package dev.fathom.retrieval.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;

/**
 * The searchers of one {@link PassageIndex}: each search borrows the current point-in-time reader
 * and gives it back, so a commit or refresh never closes a reader under a running search. Over a
 * writer the reader is refreshed before each search (near-real-time: uncommitted changes are seen);
 * read-only, it stays on the commit that was opened.
 */
final class IndexSearchers implements AutoCloseable {

  /** A unit of work on one borrowed searcher. */
  interface SearchWork<T> {
    T run(IndexSearcher searcher) throws IOException;
  }

  private final SearcherManager searchers;
  private final Path path;
  private final boolean nearRealTime;

  IndexSearchers(SearcherManager searchers, Path path, boolean nearRealTime) {
    this.searchers = searchers;
    this.path = path;
    this.nearRealTime = nearRealTime;
  }

  <T> T with(SearchWork<T> work) {
    IndexSearcher s = null;
    try {
      if (nearRealTime) searchers.maybeRefresh();
      s = searchers.acquire();
      return work.run(s);
    } catch (IOException e) {
      throw new UncheckedIOException("search failed on index at " + path, e);
    } finally {
      if (s != null) {
        try {
          searchers.release(s);
        } catch (IOException ignored) {
          // releasing a reader reference cannot lose data
        }
      }
    }
  }

  /** Makes the last commit visible to the next search, waiting for the refresh. */
  void refreshBlocking() throws IOException {
    searchers.maybeRefreshBlocking();
  }

  @Override
  public void close() throws IOException {
    searchers.close();
  }
}
