package dev.fathom.retrieval.embed;

import java.nio.file.Path;

/**
 * Keeps DJL from reaching the network: no model-zoo downloads and no telemetry probe (DJL's EC2
 * "call home"), and puts its extracted native libraries under Fathom's data directory instead of
 * {@code ~/.djl.ai}. Must run before the first DJL class initialises.
 */
final class DjlOffline {
  private DjlOffline() {}

  static void configure(Path cacheDir) {
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("OPT_OUT_TRACKING", "true");
    System.setProperty("DJL_CACHE_DIR", cacheDir.toAbsolutePath().toString());
    System.setProperty("ENGINE_CACHE_DIR", cacheDir.toAbsolutePath().toString());
  }
}
