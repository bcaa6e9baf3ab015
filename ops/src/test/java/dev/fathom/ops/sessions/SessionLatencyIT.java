package dev.fathom.ops.sessions;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.actors.QuestionResult;
import dev.fathom.actors.session.SessionService;
import dev.fathom.actors.session.TurnResult;
import dev.fathom.answer.AnswerStage;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.memory.session.MemoryFolder;
import dev.fathom.memory.session.Transcript;
import dev.fathom.ops.Cli;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.SearchMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 50-turn session over Fathom's own docs/ with extractive answers: every turn's memory window
 * stays within the configured budget, and the latency of late turns is measured against early ones
 * (printed; the target is the 50th within 1.5x of the first, checked loosely here because the
 * development machine is shared).
 */
class SessionLatencyIT {

  private static final String[] QUESTIONS = {
    "What is hybrid retrieval?",
    "How are its scores fused?",
    "What does the compressor keep?",
    "How is it evaluated?",
    "What does fathom serve do?",
    "How does it deliver answers exactly once?",
    "What is speculative decoding?",
    "How fast is it?",
    "What does the embedding model cost?",
    "Where is it cached?"
  };

  @TempDir Path data;

  @Test
  void fiftyTurnsStayWithinBudgetAndLateTurnsAreNotSlower() throws Exception {
    Path home = Path.of(System.getProperty("fathom.root", ".")).toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(home.resolve("docs")));
    assertEquals(
        0, Cli.run("ingest", "--data", data.toString(), home.resolve("docs").toString()).exit());
    FathomConfig config = FathomConfig.load().withDataDir(data);
    MemoryFolder folder = MemoryFolder.defaults();
    long[] ms = new long[50];
    try (Workspace ws = new Workspace(config);
        SessionService sessions =
            SessionNode.start(
                config.raw(),
                data,
                ws.retriever(),
                ws.questions(AnswerStage.extractive()),
                Optional.empty())) {
      for (int i = 0; i < 50; i++) {
        long t0 = System.nanoTime();
        TurnResult r =
            sessions
                .ask(
                    "long",
                    "r" + i,
                    QUESTIONS[i % QUESTIONS.length],
                    SearchMode.HYBRID,
                    10,
                    dev.fathom.retrieval.access.Principal.owner(),
                    TokenListener.NONE)
                .toCompletableFuture()
                .get();
        ms[i] = (System.nanoTime() - t0) / 1_000_000;
        assertInstanceOf(QuestionResult.Answered.class, r.result(), r.toString());
        assertEquals(i + 1, r.turn());
        Transcript t = sessions.history("long").toCompletableFuture().get();
        int tokens = folder.tokens(t.window());
        assertTrue(tokens <= 1024, "turn " + (i + 1) + ": window " + tokens + " tokens");
      }
    }
    double early = median(Arrays.copyOfRange(ms, 1, 11));
    double late = median(Arrays.copyOfRange(ms, 40, 50));
    System.out.printf(
        "session latency: turn 1 %d ms, turn 50 %d ms, median turns 2-11 %.0f ms, median turns"
            + " 41-50 %.0f ms, ratio %.2f, load average %s%n",
        ms[0],
        ms[49],
        early,
        late,
        late / early,
        Files.readString(Path.of("/proc/loadavg")).strip());
    assertTrue(late <= 3 * early, "late turns " + late + " ms vs early " + early + " ms");
  }

  private static double median(long[] xs) {
    List<Long> l = new ArrayList<>();
    for (long x : xs) l.add(x);
    l.sort(null);
    return (l.get(l.size() / 2) + l.get((l.size() - 1) / 2)) / 2.0;
  }
}
