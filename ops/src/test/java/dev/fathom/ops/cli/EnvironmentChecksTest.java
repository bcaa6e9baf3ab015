package dev.fathom.ops.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentChecksTest {

  @TempDir Path tmp;

  @Test
  void aDataDirectoryThatIsAFileIsRefusedWithWhatToDo() throws IOException {
    Path file = Files.writeString(tmp.resolve("data"), "not a directory");
    var e = assertThrows(ErrorHandler.UserError.class, () -> EnvironmentChecks.dataDir(file));
    assertTrue(e.getMessage().contains("is a file, not a directory"), e.getMessage());
    assertTrue(e.getMessage().contains("--data DIR"), e.getMessage());
    var below =
        assertThrows(
            ErrorHandler.UserError.class, () -> EnvironmentChecks.dataDir(file.resolve("sub")));
    assertTrue(below.getMessage().contains("cannot create the data directory"), below.getMessage());
  }

  @Test
  void aMissingOrExistingDirectoryPasses() {
    EnvironmentChecks.dataDir(tmp);
    EnvironmentChecks.dataDir(tmp.resolve("new/nested"));
  }

  @Test
  void aPortAnotherSocketHoldsIsNamedWithTheOptionThatMovesIt() throws IOException {
    try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      var e =
          assertThrows(
              ErrorHandler.UserError.class,
              () -> EnvironmentChecks.portFree("127.0.0.1", held.getLocalPort(), "--http-port"));
      assertTrue(e.getMessage().contains("already in use"), e.getMessage());
      assertTrue(e.getMessage().contains("--http-port"), e.getMessage());
    }
    EnvironmentChecks.portFree("127.0.0.1", 0, "--http-port"); // any free port
    EnvironmentChecks.portFree("127.0.0.1", -1, "--http-port"); // off
  }

  @Test
  void environmentCausesDeepInALibrarysExceptionBecomeOneLine() {
    var bind =
        new IllegalStateException(
            "cannot listen", new RuntimeException(new BindException("Address already in use")));
    assertTrue(EnvironmentChecks.describe(bind).orElseThrow().contains("--kafka-port"));
    var denied = new UncheckedIOException(new AccessDeniedException("/srv/fathom/index"));
    assertTrue(EnvironmentChecks.describe(denied).orElseThrow().contains("/srv/fathom/index"));
    var full = new UncheckedIOException(new IOException("No space left on device"));
    assertTrue(EnvironmentChecks.describe(full).orElseThrow().contains("free some space"));
    assertTrue(EnvironmentChecks.describe(new IllegalStateException("a bug")).isEmpty());
  }
}
