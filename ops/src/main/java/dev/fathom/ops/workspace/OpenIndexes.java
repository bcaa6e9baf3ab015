package dev.fathom.ops.workspace;

import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.index.IndexUnavailableException;
import dev.fathom.retrieval.index.PassageIndex;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The embedded Lucene indexes a {@link Workspace} has open: its home collection's and those of
 * other collections, opened on first use. They are read-only (no lock: several commands can search
 * while one ingests) until the workspace serves; from then on every index is opened for writing, so
 * searches see documents as they arrive.
 */
final class OpenIndexes {

  private final CollectionStore collections;
  private final CollectionName home;
  private final String embeddingId;
  private final Map<CollectionName, PassageIndex> others = new HashMap<>();
  private boolean serving; // every index opened for writing (fathom serve)
  private PassageIndex index; // the home collection's

  /**
   * @param collections the data directory's collections
   * @param home the collection the workspace's commands work on
   * @param embeddingId the embedding model identifier recorded in each index
   */
  OpenIndexes(CollectionStore collections, CollectionName home, String embeddingId) {
    this.collections = collections;
    this.home = home;
    this.embeddingId = embeddingId;
  }

  /** The index directory of the home collection. */
  Path homeDir() {
    return collections.indexDir(home);
  }

  /** The home collection's index, read-only unless serving. */
  synchronized PassageIndex home() {
    if (index == null) {
      index = serving ? writableHome() : open(home);
    }
    return index;
  }

  /**
   * The index of {@code name}, opened on first use.
   *
   * @throws IndexUnavailableException naming the collection when it does not exist
   */
  synchronized PassageIndex read(CollectionName name) {
    if (name.equals(home)) return home();
    PassageIndex i = others.get(name);
    if (i == null) {
      if (!collections.exists(name)) throw noCollection(name);
      i =
          serving
              ? PassageIndex.openForWriting(collections.indexDir(name), embeddingId)
              : open(name);
      others.put(name, i);
    }
    return i;
  }

  /** The index of {@code name} for writing, created when missing; only while serving. */
  synchronized PassageIndex writable(CollectionName name) {
    if (name.equals(home)) return writableHome();
    if (!serving) throw new IllegalStateException("writableIndex(name) is for fathom serve only");
    PassageIndex i = others.get(name);
    if (i == null) {
      boolean created = !collections.exists(name);
      i = PassageIndex.openForWriting(collections.indexDir(name), embeddingId);
      if (created) i.commit();
      others.put(name, i);
    }
    return i;
  }

  /** Every index opened so far, by collection (the document stream commits them together). */
  synchronized Map<CollectionName, PassageIndex> all() {
    Map<CollectionName, PassageIndex> all = new TreeMap<>(others);
    if (index != null) all.put(home, index);
    return all;
  }

  /**
   * Opens the home index for writing (creating it when missing) and switches to serving: every
   * index opened from now on is writable.
   */
  synchronized PassageIndex writableHome() {
    serving = true;
    if (index != null && index.writable()) return index;
    closeHome();
    boolean created = !PassageIndex.exists(homeDir()); // the embedded index, whatever the backend
    PassageIndex w = PassageIndex.openForWriting(homeDir(), embeddingId);
    if (created) w.commit(); // so a new index exists on disk for readers from the start
    index = w;
    return w;
  }

  /** Closes the home index (an ingest takes the write lock; the next search reopens it). */
  synchronized void closeHome() {
    if (index != null) {
      index.close();
      index = null;
    }
  }

  /** Closes the indexes of the other collections. */
  synchronized void closeOthers() {
    others.values().forEach(PassageIndex::close);
    others.clear();
  }

  private PassageIndex open(CollectionName name) {
    if (!collections.exists(name)) throw noCollection(name);
    return PassageIndex.openReadOnly(collections.indexDir(name), embeddingId);
  }

  private IndexUnavailableException noCollection(CollectionName name) {
    return new IndexUnavailableException(
        "no index at "
            + collections.indexDir(name)
            + " (collection '"
            + name
            + "'): run `fathom ingest"
            + (name.equals(CollectionName.DEFAULT) ? "" : " --collection " + name)
            + " PATH...` first (`fathom collections list` shows those there are)");
  }
}
