package dev.fathom.retrieval.parse;

import static org.junit.jupiter.api.Assertions.*;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real files, symlinks, a FIFO and a sparse 3 GB file under a temporary directory. */
class PathDocumentPolicyTest {

  @TempDir Path tmp;
  private Path docs;
  private PathDocumentPolicy policy;

  @BeforeEach
  void setUp() throws Exception {
    docs = Files.createDirectories(tmp.resolve("docs"));
    Files.writeString(docs.resolve("ok.txt"), "Kafka keeps partitions.");
    Files.writeString(tmp.resolve("outside.txt"), "secret outside the root");
    policy = PathDocumentPolicy.allowUnder(List.of(docs), 1 << 20);
  }

  private String refusal(String path) {
    return assertThrows(UnreadableDocumentException.class, () -> policy.read(path)).getMessage();
  }

  private String notAvailable(String path) {
    return path
        + ": not found or not allowed (path documents are read only from the configured roots)";
  }

  @Test
  void readsARegularFileUnderAnAllowedRoot() {
    assertEquals("Kafka keeps partitions.", policy.read(docs + "/ok.txt").text());
  }

  @Test
  void isOffByDefault() {
    var e =
        assertThrows(
            UnreadableDocumentException.class,
            () -> PathDocumentPolicy.disabled().read(docs + "/ok.txt"));
    assertTrue(e.getMessage().contains("disabled"), e.getMessage());
  }

  @Test
  void symlinksOutOfTheRootAreRefusedLikeMissingFiles() throws Exception {
    Files.createSymbolicLink(docs.resolve("passwd-link.txt"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(docs.resolve("out-link.txt"), tmp.resolve("outside.txt"));
    String link = docs + "/passwd-link.txt";
    assertEquals(notAvailable(link), refusal(link));
    assertEquals(notAvailable(docs + "/out-link.txt"), refusal(docs + "/out-link.txt"));
    String missing = docs + "/missing.txt";
    assertEquals(notAvailable(missing), refusal(missing), "same text for missing and forbidden");
    String outside = tmp + "/outside.txt";
    assertEquals(notAvailable(outside), refusal(outside));
  }

  @Test
  void dotDotEscapesAndRelativePathsAreRefused() {
    String escape = docs + "/../outside.txt";
    assertEquals(notAvailable(escape), refusal(escape));
    String deep = docs + "/../../../../../../../etc/passwd.txt";
    assertEquals(notAvailable(deep), refusal(deep));
    assertTrue(refusal("docs/ok.txt").contains("must be absolute"));
    assertTrue(refusal("../../etc/passwd").contains("must be absolute"));
    assertTrue(refusal("/docs/\0.txt").contains("not a valid path"));
  }

  @Test
  void aSymlinkInsideTheRootToAFileInsideIsRead() throws Exception {
    Files.createSymbolicLink(docs.resolve("alias.txt"), docs.resolve("ok.txt"));
    assertEquals("Kafka keeps partitions.", policy.read(docs + "/alias.txt").text());
  }

  @Test
  void aFifoIsRefusedWithoutBlocking() throws Exception {
    Path fifo = docs.resolve("pipe.txt");
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertEquals(0, p.waitFor(), "mkfifo must succeed");
    String msg = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> refusal(fifo.toString()));
    assertTrue(msg.contains("not a regular file"), msg);
    assertTrue(refusal(docs.toString()).contains("not a regular file"), "directories too");
  }

  @Test
  void aSparse3GbFileIsRefusedBeforeReading() throws Exception {
    Path huge = docs.resolve("huge.txt");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(3L << 30);
    }
    String msg = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> refusal(huge.toString()));
    assertTrue(msg.contains("3221225472 bytes, more than the limit of 1048576"), msg);
  }

  @Test
  void badPoliciesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new PathDocumentPolicy(true, List.of(), 10));
    assertThrows(
        IllegalArgumentException.class, () -> PathDocumentPolicy.allowUnder(List.of(docs), 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> PathDocumentPolicy.allowUnder(List.of(tmp.resolve("nope")), 10));
  }
}
