package dev.fathom.ops.workspace;

import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.index.PassageIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where each collection's index lives in the data directory. The {@code default} collection is
 * {@code <data>/index}, where Fathom kept its one index before collections existed, so a data
 * directory of an earlier version keeps working unchanged as the default collection; every other
 * collection is {@code <data>/collections/<name>/index}.
 */
public final class CollectionStore {

  private final Path dataDir;

  public CollectionStore(Path dataDir) {
    this.dataDir = dataDir;
  }

  /** The index directory of {@code name}. */
  public Path indexDir(CollectionName name) {
    return name.equals(CollectionName.DEFAULT)
        ? dataDir.resolve("index")
        : dataDir.resolve("collections").resolve(name.value()).resolve("index");
  }

  /** Whether {@code name} has a committed index. */
  public boolean exists(CollectionName name) {
    return PassageIndex.exists(indexDir(name));
  }

  /** The collections with a committed index, by name. */
  public List<CollectionName> list() {
    List<CollectionName> out = new ArrayList<>();
    if (exists(CollectionName.DEFAULT)) out.add(CollectionName.DEFAULT);
    Path dir = dataDir.resolve("collections");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.map(p -> p.getFileName().toString())
            .filter(n -> n.matches("[a-z0-9][a-z0-9_-]{0,63}") && !n.equals("default"))
            .map(CollectionName::new)
            .filter(this::exists)
            .forEach(out::add);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir, e);
      }
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /**
   * Deletes {@code name}'s index from disk.
   *
   * @return false when there was none
   */
  public boolean delete(CollectionName name) {
    Path dir = name.equals(CollectionName.DEFAULT) ? indexDir(name) : indexDir(name).getParent();
    if (!Files.exists(dir)) return false;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
    }
    return true;
  }
}
