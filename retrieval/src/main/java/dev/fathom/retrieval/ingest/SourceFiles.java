package dev.fathom.retrieval.ingest;

import dev.fathom.retrieval.parse.DocumentParsers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The files an ingest looks at: each given file of a supported type, and below each given directory
 * every supported file in path order, skipping hidden files and folders and the excluded
 * directories (the data directory, so Fathom does not index its own index).
 */
final class SourceFiles {

  private final Set<Path> excluded;

  /**
   * @param excluded directories never descended into
   */
  SourceFiles(Set<Path> excluded) {
    this.excluded =
        excluded.stream().map(p -> p.toAbsolutePath().normalize()).collect(Collectors.toSet());
  }

  /**
   * Every file to ingest under {@code paths}, mapped to the root it was found under; a given file
   * of an unsupported type is reported to {@code listener} and left out.
   *
   * @throws IllegalArgumentException naming the first path that does not exist, or a directory that
   *     cannot be listed
   */
  Map<Path, Path> collect(List<Path> paths, IngestListener listener) {
    List<Path> roots = new ArrayList<>();
    for (Path p : paths) {
      Path abs = p.toAbsolutePath().normalize();
      if (!Files.exists(abs)) {
        throw new IllegalArgumentException("no such file or directory: " + p);
      }
      roots.add(abs);
    }
    Map<Path, Path> files = new LinkedHashMap<>();
    for (Path root : roots) {
      if (Files.isRegularFile(root)) {
        if (DocumentParsers.supports(root)) files.putIfAbsent(root, root);
        else
          listener.warning(
              root,
              root
                  + ": unsupported file type (expected .txt, .md, .html, .pdf, or an office format)");
        continue;
      }
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(f -> !isExcluded(root, f))
            .filter(Files::isRegularFile)
            .filter(DocumentParsers::supports)
            .sorted()
            .forEach(f -> files.putIfAbsent(f, root));
      } catch (IOException | UncheckedIOException e) {
        throw new IllegalArgumentException("cannot list " + root + ": " + e.getMessage(), e);
      }
    }
    return files;
  }

  private boolean isExcluded(Path root, Path f) {
    for (Path x : excluded) if (f.startsWith(x)) return true;
    // Hidden files and folders (.git, .idea) below the root are not documents.
    for (Path part : root.relativize(f)) if (part.toString().startsWith(".")) return true;
    return false;
  }
}
