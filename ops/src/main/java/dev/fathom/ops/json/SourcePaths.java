package dev.fathom.ops.json;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * How a source is shown, the same in text and JSON ({@code path}): relative to the working
 * directory when it lies under it, else as stored (an absolute path or a document id).
 */
public final class SourcePaths {
  private static final Path CWD = Path.of("").toAbsolutePath();

  private SourcePaths() {}

  public static String display(String source) {
    try {
      Path p = Path.of(source);
      return p.isAbsolute() && p.startsWith(CWD) ? CWD.relativize(p).toString() : source;
    } catch (InvalidPathException e) {
      return source;
    }
  }
}
