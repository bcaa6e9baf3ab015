package dev.fathom.ops.cli;

import dev.fathom.ops.json.SourcePaths;

/** Shows source paths relative to the working directory when they lie under it. */
public final class Sources {
  private Sources() {}

  public static String display(String source) {
    return SourcePaths.display(source);
  }
}
