package dev.fathom.ops.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchServeCommandTest {

  @TempDir Path docs;

  @Test
  void questionsAreDistinctProseSentencesRepeatedWhenTooFew() throws Exception {
    Files.writeString(
        docs.resolve("a.md"),
        """
        # A heading that is long enough to be a sentence.
        The first sentence of the prose is here. The second sentence of the prose is here.
        | a table row that is long enough to count | no |
        The first sentence of the prose is here.
        Short one.
        """,
        StandardCharsets.UTF_8);
    List<String> q = BenchServeCommand.questionsFrom(docs, 5);
    assertEquals(
        List.of(
            "The first sentence of the prose is here.",
            "The second sentence of the prose is here.",
            "The first sentence of the prose is here.",
            "The second sentence of the prose is here.",
            "The first sentence of the prose is here."),
        q);
  }

  @Test
  void aCorpusWithoutSentencesIsAClearError() {
    ErrorHandler.UserError e =
        assertThrows(ErrorHandler.UserError.class, () -> BenchServeCommand.questionsFrom(docs, 3));
    assertTrue(e.getMessage().contains("no sentences"), e.getMessage());
  }
}
