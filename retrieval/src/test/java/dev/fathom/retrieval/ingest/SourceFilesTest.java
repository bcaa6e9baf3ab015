package dev.fathom.retrieval.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files an ingest looks at, and under which root. */
class SourceFilesTest {

  @TempDir Path dir;

  private Path write(String relative) throws Exception {
    Path f = dir.resolve(relative);
    Files.createDirectories(f.getParent());
    Files.writeString(f, "text");
    return f;
  }

  @Test
  void walksSupportedFilesInPathOrderSkippingHiddenAndExcludedOnes() throws Exception {
    Path b = write("docs/b.md");
    Path a = write("docs/a.txt");
    write("docs/.git/config.txt");
    write("docs/.hidden.txt");
    write("docs/image.png");
    write("docs/data/index.txt");
    Path root = dir.resolve("docs").toAbsolutePath().normalize();
    Map<Path, Path> files =
        new SourceFiles(Set.of(dir.resolve("docs/data")))
            .collect(List.of(dir.resolve("docs")), IngestListener.NONE);
    assertEquals(
        List.of(a.toAbsolutePath().normalize(), b.toAbsolutePath().normalize()),
        List.copyOf(files.keySet()));
    assertEquals(Set.of(root), Set.copyOf(files.values()));
  }

  @Test
  void aGivenFileOfAnUnsupportedTypeIsReportedAndLeftOut() throws Exception {
    Path png = write("image.png").toAbsolutePath().normalize();
    List<String> warnings = new ArrayList<>();
    IngestListener listener =
        new IngestListener() {
          @Override
          public void warning(Path file, String reason) {
            warnings.add(reason);
          }
        };
    Map<Path, Path> files = new SourceFiles(Set.of()).collect(List.of(png), listener);
    assertEquals(Map.of(), files);
    assertEquals(
        List.of(
            png + ": unsupported file type (expected .txt, .md, .html, .pdf, or an office format)"),
        warnings);
  }

  @Test
  void aMissingPathIsRefusedBeforeAnythingIsListed() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SourceFiles(Set.of())
                    .collect(List.of(dir, dir.resolve("nope")), IngestListener.NONE));
    assertEquals("no such file or directory: " + dir.resolve("nope"), e.getMessage());
  }
}
