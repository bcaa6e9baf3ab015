package dev.fathom.ops.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Problems of the machine rather than of Fathom — a port another process holds, a data directory
 * that is a file or that this user may not read, a disk that refuses writes — found before they
 * become a library's stack trace, or recognised in one afterwards, and told as one line that says
 * what to do (docs/troubleshooting.md). Such failures exit with code 1 like any other.
 */
public final class EnvironmentChecks {

  private EnvironmentChecks() {}

  /**
   * Refuses a data directory that exists but is not a readable directory, or that cannot be created
   * because an ancestor is a file.
   */
  public static void dataDir(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    if (Files.exists(abs)) {
      if (!Files.isDirectory(abs)) {
        throw new ErrorHandler.UserError(
            "the data directory "
                + dir
                + " is a file, not a directory: choose another with --data DIR"
                + " (or fathom.data-dir)");
      }
      if (!Files.isReadable(abs) || !Files.isExecutable(abs)) {
        throw new ErrorHandler.UserError(
            "the data directory "
                + dir
                + " cannot be read by user "
                + System.getProperty("user.name")
                + ": give it read access (chmod u+rwx "
                + dir
                + ") or choose another with --data DIR");
      }
      return;
    }
    for (Path up = abs.getParent(); up != null; up = up.getParent()) {
      if (Files.exists(up)) {
        if (!Files.isDirectory(up)) {
          throw new ErrorHandler.UserError(
              "cannot create the data directory "
                  + dir
                  + ": "
                  + up
                  + " is a file: choose another with --data DIR");
        }
        return;
      }
    }
  }

  /**
   * Refuses a TCP port on {@code host} that another process listens on, naming the option that
   * chooses another. Port 0 (any free port) and negative ports (off) pass.
   */
  public static void portFree(String host, int port, String option) {
    if (port <= 0) return;
    try (ServerSocket probe = new ServerSocket()) {
      // The server binds with SO_REUSEADDR too, so a port in TIME_WAIT is free for both.
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (BindException e) {
      throw new ErrorHandler.UserError(portInUse(host + ":" + port, option));
    } catch (IOException e) {
      // Not a port conflict (an unknown host, say): the server's own bind reports it.
    }
  }

  private static String portInUse(String where, String option) {
    return "port "
        + where
        + " is already in use by another process: stop that process, or choose another port"
        + " with "
        + option
        + " (0 picks a free one)";
  }

  /**
   * One line for a failure somewhere in {@code e}'s causes that the environment caused, or empty
   * when none did.
   */
  public static Optional<String> describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BindException b) {
        return Optional.of(
            "a port is already in use by another process ("
                + b.getMessage()
                + "): stop that process, or choose other ports with --http-port and --kafka-port"
                + " (0 picks a free one)");
      }
      if (t instanceof AccessDeniedException a) {
        return Optional.of(
            "permission denied on "
                + a.getFile()
                + ": give user "
                + System.getProperty("user.name")
                + " access to it, or choose another data directory with --data DIR");
      }
      String m = String.valueOf(t.getMessage());
      if (t instanceof IOException && (m.contains("No space left") || m.contains("Read-only"))) {
        return Optional.of(
            m
                + ": free some space or make it writable, or choose another data directory with"
                + " --data DIR");
      }
    }
    return Optional.empty();
  }
}
