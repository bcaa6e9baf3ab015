package dev.fathom.retrieval.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationDatasetTest {

  private static void write(Path dir, String conversations) throws IOException {
    Files.createDirectories(dir.resolve("qrels"));
    Files.writeString(
        dir.resolve("corpus.jsonl"),
        "{\"_id\": \"p1\", \"title\": \"Lease\", \"text\": \"The lease ends in May.\"}\n"
            + "{\"_id\": \"p2\", \"title\": \"Rules\", \"text\": \"No pets.\"}\n");
    Files.writeString(dir.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\nc1\tp1\t1\n");
    Files.writeString(dir.resolve("conversations.jsonl"), conversations);
  }

  @Test
  void readsConversationsWithTheirJudgedParagraph(@TempDir Path dir) throws IOException {
    write(
        dir,
        "{\"_id\": \"c1\", \"turns\": [\"What does the lease say about pets?\", \"When does it end?\"], \"standalone\": \"When does the lease end?\", \"answers\": [\"May\"]}\n");
    ConversationDataset ds = ConversationDataset.load(dir);
    assertEquals(1, ds.conversations().size());
    assertEquals("When does it end?", ds.conversations().getFirst().followUp());
    assertEquals(2, ds.beir().corpus().size());
    assertEquals("When does the lease end?", ds.beir().queries().getFirst().text());
    assertEquals(1, ds.beir().qrels("c1").get("p1"));
  }

  @Test
  void aOneTurnConversationIsRefusedWithItsLine(@TempDir Path dir) throws IOException {
    write(dir, "\n{\"_id\": \"c1\", \"turns\": [\"When does it end?\"], \"standalone\": \"x\"}\n");
    var e = assertThrows(IllegalArgumentException.class, () -> ConversationDataset.load(dir));
    assertTrue(e.getMessage().contains("malformed line 2"), e.getMessage());
    assertTrue(e.getMessage().contains("at least 2 non-blank turns"), e.getMessage());
  }

  @Test
  void aConversationWithoutJudgementIsRefused(@TempDir Path dir) throws IOException {
    write(dir, "{\"_id\": \"c9\", \"turns\": [\"a?\", \"b?\"], \"standalone\": \"b?\"}\n");
    var e = assertThrows(IllegalArgumentException.class, () -> ConversationDataset.load(dir));
    assertTrue(
        e.getMessage().contains("conversation c9 has no relevant paragraph"), e.getMessage());
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    var e = assertThrows(IllegalArgumentException.class, () -> ConversationDataset.load(dir));
    assertTrue(e.getMessage().contains("conversations.jsonl"), e.getMessage());
  }
}
