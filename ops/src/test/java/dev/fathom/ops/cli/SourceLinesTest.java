package dev.fathom.ops.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.answer.Answer;
import dev.fathom.answer.Citation;
import dev.fathom.answer.CitedScore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceLinesTest {

  @Test
  void theSourcesListShowsEachDocumentsBestRelevanceWhereItHasOne() {
    Answer a =
        new Answer(
                "When?",
                "May. [1] March. [2] Red. [3]",
                List.of(
                    new Citation(1, "lease.md", "Lease", 0, 22, "a"),
                    new Citation(2, "lease.md", "Lease", 23, 46, "b"),
                    new Citation(3, "car.md", "Car", 0, 15, "c")),
                Map.of())
            .withScores(Map.of(1, new CitedScore(0.4, 0.02), 2, new CitedScore(0.876, 0.06)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SourceLines.printAnswer(a, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertTrue(lines.contains("[1] lease.md \u2014 Lease (relevance 0.88)"), lines.toString());
    assertTrue(lines.contains("[2] car.md \u2014 Car"), lines.toString());
  }
}
