package dev.fathom.ops.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.index.IndexUnavailableException;
import dev.fathom.retrieval.index.PassageIndex;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which indexes a workspace opens, read-only or for writing, and what a missing one says. */
class OpenIndexesTest {

  private static final CollectionName OTHER = CollectionName.of("papers");

  @TempDir Path dir;
  private OpenIndexes indexes;

  private OpenIndexes indexes() {
    indexes = new OpenIndexes(new CollectionStore(dir), CollectionName.DEFAULT, "test/4");
    return indexes;
  }

  @AfterEach
  void close() {
    if (indexes != null) {
      indexes.closeHome();
      indexes.closeOthers();
    }
  }

  @Test
  void aMissingCollectionIsRefusedNamingItAndTheIngestCommand() {
    var e = assertThrows(IndexUnavailableException.class, () -> indexes().read(OTHER));
    assertTrue(e.getMessage().contains("collection 'papers'"), e.getMessage());
    assertTrue(e.getMessage().contains("fathom ingest --collection papers"), e.getMessage());
    var home = assertThrows(IndexUnavailableException.class, () -> indexes().home());
    assertFalse(home.getMessage().contains("--collection"), home.getMessage());
  }

  @Test
  void writingToAnotherCollectionIsForServingOnly() {
    var e = assertThrows(IllegalStateException.class, () -> indexes().writable(OTHER));
    assertEquals("writableIndex(name) is for fathom serve only", e.getMessage());
  }

  @Test
  void servingCreatesWritableIndexesOnDiskAndListsThemAll() {
    OpenIndexes open = indexes();
    PassageIndex home = open.writableHome();
    assertTrue(home.writable());
    assertTrue(PassageIndex.exists(open.homeDir()), "committed at once, for readers");
    assertSame(home, open.home());
    PassageIndex other = open.writable(OTHER);
    assertTrue(other.writable());
    assertSame(other, open.read(OTHER));
    assertEquals(List.of(CollectionName.DEFAULT, OTHER), List.copyOf(open.all().keySet()));
  }

  @Test
  void withoutServingAnExistingIndexOpensReadOnly() {
    OpenIndexes writer = indexes();
    writer.writableHome();
    writer.closeHome();
    OpenIndexes reader = indexes();
    assertFalse(reader.home().writable());
    reader.closeHome();
    assertTrue(reader.all().isEmpty(), "closed indexes are no longer listed");
  }
}
