package dev.fathom.ops.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Shows source paths relative to the working directory when they lie under it. */
public final class Sources {
  private static final Path CWD = Path.of("").toAbsolutePath();

  private Sources() {}

  public static String display(String source) {
    try {
      Path p = Path.of(source);
      return p.isAbsolute() && p.startsWith(CWD) ? CWD.relativize(p).toString() : source;
    } catch (InvalidPathException e) {
      return source;
    }
  }
}
