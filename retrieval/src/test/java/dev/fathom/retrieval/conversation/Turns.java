package dev.fathom.retrieval.conversation;

import dev.fathom.memory.session.Citation;
import dev.fathom.memory.session.MemoryWindow;
import dev.fathom.memory.session.Turn;
import java.time.Instant;
import java.util.List;

/** Builds memory windows for tests. */
final class Turns {
  private Turns() {}

  static Turn answered(int n, String question, String answer, String... titles) {
    List<Citation> cited =
        java.util.Arrays.stream(titles).map(t -> new Citation("src/" + t, t)).toList();
    return Turn.asked(n, question, question, Instant.EPOCH)
        .answered(answer, cited, List.of(), Instant.EPOCH);
  }

  static MemoryWindow window(Turn... turns) {
    return new MemoryWindow("", List.of(turns));
  }
}
