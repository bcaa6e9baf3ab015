package dev.fathom.ops.server;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import dev.fathom.behaviors.BehaviorModule;
import dev.fathom.behaviors.handbook.Behavior;
import dev.fathom.behaviors.trace.Feedback;
import dev.fathom.behaviors.trace.Trace;
import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.lm.LanguageModel;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.ops.config.BehaviorsConfig;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serve-mode behavior loop on a real Kafka broker, real Lucene handbooks and all-MiniLM-L6-v2,
 * with a scripted strategist: traces on {@code fathom.traces} become behaviors on the compacted
 * {@code fathom.behaviors}, a reworded duplicate merges, a second node's handbook built from the
 * topic holds the same behaviors, feedback reaches the strategist, a removal reaches every node.
 */
class BehaviorLoopIT {

  @TempDir Path tmp;

  /** Replies by the question in the prompt; records every prompt. */
  static final class Strategist implements LanguageModel {
    final List<String> prompts = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "scripted-strategist";
    }

    @Override
    public int contextLength() {
      return 8192;
    }

    @Override
    public Generation complete(String prompt, GenerationSettings s, TokenListener l) {
      prompts.add(prompt);
      String reply =
          prompt.contains("second question")
              ? "1. **behavior_cite_both_dates**: When the sources give different dates, cite both"
                  + " of them and say which date is later."
              : "Here are the behaviors:\n- behavior_compare_dates: When sources give different"
                  + " dates, cite both and say which is later.";
      return new Generation(reply, new int[0], new int[0], Generation.StopReason.EOS, 1, 0, 0);
    }

    @Override
    public Generation chat(List<ChatMessage> messages, GenerationSettings s, TokenListener l) {
      return complete(
          messages.stream().map(ChatMessage::content).collect(Collectors.joining("\n\n")), s, l);
    }

    @Override
    public void close() {}
  }

  private static Trace trace(String id, String question) {
    return Trace.of(
        id,
        "answerer",
        question,
        List.of(
            new Trace.Source(1, "Treaty", "The war ended in 1871."),
            new Trace.Source(2, "Almanac", "The war ended in 1872.")),
        "It ended in 1871 [1] or 1872 [2].",
        List.of(1, 2),
        40,
        12);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) fail("timed out waiting until " + what);
      Thread.sleep(50);
    }
  }

  @Test
  void tracesBecomeSharedBehaviorsThatMergeAndReachEveryNode() throws Exception {
    FathomConfig config = FathomConfig.load();
    BehaviorsConfig cfg = BehaviorsConfig.from(config.raw());
    KafkaSettings defaults = KafkaSettings.fromConfig(config.raw());
    KafkaSettings kafka =
        new KafkaSettings("", 0, "behavior-it", defaults.topics(), 2, 4, 64 * 1024);
    Strategist strategist = new Strategist();
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "behavior-it", ConfigFactory.load());
    try (EmbeddedKafka broker = EmbeddedKafka.start(tmp.resolve("kafka"), 0);
        BehaviorModule a =
            BehaviorModule.open(cfg.module(tmp.resolve("a"), 4096), TestEmbedder.shared());
        BehaviorModule b =
            BehaviorModule.open(cfg.module(tmp.resolve("b"), 4096), TestEmbedder.shared())) {
      String bootstrap = broker.bootstrapServers();
      try (BehaviorLoop nodeA = BehaviorLoop.start(bootstrap, kafka, cfg, a)) {
        nodeA.startCuration(system, strategist, GenerationSettings.GREEDY, "behavior-it-curator");
        await("node A caught up", nodeA::caughtUp);

        nodeA.publisher().record(trace("req-1", "When did the war end?"), List.of());
        await("the first behavior on node A", () -> a.handbook().size() == 1);
        Behavior first = a.handbook().get("behavior_compare_dates").orElseThrow();
        assertEquals(List.of("req-1"), first.provenance());

        // A reworded duplicate from another trace merges by similarity, not a second behavior.
        nodeA
            .publisher()
            .record(trace("req-2", "The second question: when was the treaty?"), List.of());
        await(
            "the duplicate merged",
            () ->
                a.handbook()
                    .get("behavior_compare_dates")
                    .map(x -> x.provenance().size() == 2)
                    .orElse(false));
        assertEquals(1, a.handbook().size());
        assertTrue(a.metrics().snapshot().merged() >= 1);

        // Feedback reaches the strategist's reflection on the remembered trace.
        int before = strategist.prompts.size();
        nodeA.publisher().feedback("req-1", new Feedback(2, false, "the year is 1871 only"));
        await(
            "the trace reflected on again with its feedback",
            () ->
                strategist.prompts.subList(before, strategist.prompts.size()).stream()
                    .anyMatch(p -> p.contains("the year is 1871 only")));

        // A second node builds the same handbook from the topic.
        try (BehaviorLoop nodeB = BehaviorLoop.start(bootstrap, kafka, cfg, b)) {
          await("node B caught up", nodeB::caughtUp);
          await(
              "node B has node A's handbook",
              () -> b.handbook().list().equals(a.handbook().list()));
          assertEquals(
              List.of("req-1", "req-2"),
              b.handbook().get("behavior_compare_dates").orElseThrow().provenance());

          // Use counts raised by an answer travel too.
          Behavior used = a.handbook().recordUses(List.of("behavior_compare_dates")).getFirst();
          int promptsBefore = strategist.prompts.size();
          nodeA
              .publisher()
              .record(
                  trace("req-3", "When did the war end?")
                      .withBehaviors(List.of(used.name()), List.of(used.name())),
                  List.of(used));
          await(
              "the use count on node B",
              () -> b.handbook().get(used.name()).map(x -> x.uses() >= 1).orElse(false));

          // The curator reflects on req-3 too and republishes what it extracts; remove only after
          // that has settled on both nodes, or its republication could follow the removal.
          await(
              "req-3 curated",
              () -> strategist.prompts.size() >= promptsBefore + 2 && curationSettled(a, b));

          nodeA.publisher().remove("behavior_compare_dates");
          await("the removal on node B", () -> b.handbook().size() == 0);
          await("the removal on node A", () -> a.handbook().size() == 0);
        }
      }
    } finally {
      system.terminate();
    }
  }

  /** Both handbooks hold the same behaviors, and stay so for a moment (no update in flight). */
  private static boolean curationSettled(BehaviorModule a, BehaviorModule b) {
    try {
      if (!a.handbook().list().equals(b.handbook().list())) return false;
      Thread.sleep(500);
      return a.handbook().list().equals(b.handbook().list());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
