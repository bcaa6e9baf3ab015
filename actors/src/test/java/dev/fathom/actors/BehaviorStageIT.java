package dev.fathom.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.fathom.answer.Answer;
import dev.fathom.answer.GenerativeAnswerer;
import dev.fathom.answer.ScriptedModel;
import dev.fathom.answer.TraceSink;
import dev.fathom.behaviors.BehaviorModule;
import dev.fathom.behaviors.handbook.Behavior;
import dev.fathom.behaviors.prompt.BehaviorLibrary;
import dev.fathom.behaviors.trace.Trace;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.retrieval.testing.TestEmbedder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behavior stage through the real actors and a real Lucene handbook (all-MiniLM-L6-v2), with a
 * scripted answer model: behaviors reach the prompt in the right place, the cited one is counted,
 * the trace is recorded; a failing stage never blocks the answer.
 */
class BehaviorStageIT {

  @TempDir Path dir;

  private static final PipelineSettings SETTINGS =
      new PipelineSettings(2, 2, 2, Duration.ofSeconds(60));

  private static QuestionResult.Answered ask(QuestionService service, String id) {
    QuestionResult r = service.ask(Fakes.question(id)).toCompletableFuture().join();
    assertTrue(r instanceof QuestionResult.Answered, r.toString());
    return (QuestionResult.Answered) r;
  }

  @Test
  void offeredBehaviorsGoBeforeTheEvidenceAndCitedOnesAreCountedAndTraced() throws Exception {
    ScriptedModel model = new ScriptedModel("The sky is blue [1]. (behavior_quote_span)");
    List<Trace> traces = new CopyOnWriteArrayList<>();
    List<List<Behavior>> updates = new CopyOnWriteArrayList<>();
    try (BehaviorModule module =
        BehaviorModule.open(BehaviorModule.Settings.defaults(dir, 4096), TestEmbedder.shared())) {
      module
          .handbook()
          .add(
              Behavior.of("behavior_quote_span", "Quote the sentence that states the answer.", ""));
      module
          .handbook()
          .add(Behavior.of("behavior_name_colour", "Name the colour the source gives.", ""));
      TraceSink sink =
          (trace, updated) -> {
            module.traces().append(trace);
            traces.add(trace);
            updates.add(updated);
          };
      try (QuestionService service =
          QuestionService.start(
              Fakes.retriever(),
              Fakes.compressor(),
              new GenerativeAnswerer(model, GenerativeAnswerer.Settings.defaults()),
              SETTINGS,
              new BehaviorStage(module.library(), sink, 2, Duration.ofSeconds(30)),
              ConfigFactory.load())) {
        Answer answer = ask(service, "bci").answer();

        assertTrue(answer.timingsMs().containsKey(QuestionCoordinator.BEHAVIORS));
        assertEquals(
            Set.of("behavior_quote_span", "behavior_name_colour"),
            Set.copyOf(answer.behaviors().offered()));
        assertEquals(List.of("behavior_quote_span"), answer.behaviors().cited());

        List<ChatMessage> chat = model.chats.getFirst();
        String system = chat.get(0).content();
        String user = chat.get(1).content();
        assertTrue(system.startsWith(GenerativeAnswerer.INSTRUCTIONS), system);
        assertTrue(
            system.indexOf("behavior_quote_span: Quote the sentence")
                > GenerativeAnswerer.INSTRUCTIONS.length(),
            system);
        // Evidence is fenced as quoted material (EvidenceFence), after the behaviors.
        assertTrue(
            user.startsWith(
                "Evidence:\n"
                    + dev.fathom.retrieval.text.EvidenceFence.quote(1, "Sky", "The sky is blue.")),
            user);
        assertTrue(user.endsWith("Question: " + Fakes.question("bci").text()), user);

        // Recorded after the reply, off the critical path.
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (traces.isEmpty() && System.nanoTime() < until) Thread.sleep(20);
        assertEquals(1, traces.size());
        Trace t = traces.getFirst();
        assertEquals("bci", t.requestId());
        assertEquals(List.of("behavior_quote_span"), t.behaviorsCited());
        assertEquals(List.of(1), t.citations());
        assertEquals("Sky", t.evidence().getFirst().title());
        assertEquals("behavior_quote_span", updates.getFirst().getFirst().name());
        assertEquals(1, module.handbook().get("behavior_quote_span").orElseThrow().uses());
        assertEquals(0, module.handbook().get("behavior_name_colour").orElseThrow().uses());
        assertEquals(1, module.traces().readAll().size());
        assertEquals(2, module.metrics().snapshot().offered());
        assertEquals(1, module.metrics().snapshot().cited());
      }
    }
  }

  @Test
  void aFailingBehaviorStageLeavesTheAnswerWithoutBehaviors() {
    ScriptedModel model = new ScriptedModel("The sky is blue [1].");
    BehaviorLibrary broken =
        new BehaviorLibrary() {
          @Override
          public Offer offer(String question, Set<String> topics) {
            throw new IllegalStateException("handbook index is gone");
          }

          @Override
          public Cited recordAnswer(Offer offer, String answerText) {
            throw new AssertionError("nothing was offered");
          }
        };
    try (QuestionService service =
        QuestionService.start(
            Fakes.retriever(),
            Fakes.compressor(),
            new GenerativeAnswerer(model, GenerativeAnswerer.Settings.defaults()),
            SETTINGS,
            new BehaviorStage(broken, TraceSink.NONE, 1, Duration.ofSeconds(5)),
            ConfigFactory.load())) {
      Answer answer = ask(service, "broken").answer();
      assertEquals("The sky is blue [1].", answer.text());
      assertNull(answer.behaviors());
      assertEquals(GenerativeAnswerer.INSTRUCTIONS, model.chats.getFirst().get(0).content());
    }
  }

  @Test
  void selfImprovementAnswersAgainWithTheExtractedBehaviorsAndTracesBoth() throws Exception {
    ScriptedModel model = new ScriptedModel("The sky is blue [1]. (behavior_quote_span)");
    List<Trace> traces = new CopyOnWriteArrayList<>();
    Behavior extracted = Behavior.of("behavior_quote_span", "Quote the sentence.", "");
    BehaviorLibrary.Offer improved =
        new BehaviorLibrary.Offer(List.of(extracted), "Behaviors:\nbehavior_quote_span: Quote.");
    try (BehaviorModule module =
        BehaviorModule.open(BehaviorModule.Settings.defaults(dir, 4096), TestEmbedder.shared())) {
      try (QuestionService service =
          QuestionService.start(
              Fakes.retriever(),
              Fakes.compressor(),
              new GenerativeAnswerer(model, GenerativeAnswerer.Settings.defaults()),
              SETTINGS,
              new BehaviorStage(
                  module.library(),
                  (t, u) -> traces.add(t),
                  1,
                  Duration.ofSeconds(30),
                  trace -> {
                    assertEquals("si", trace.requestId());
                    return improved;
                  }),
              ConfigFactory.load())) {
        QuestionResult r =
            service.ask(Fakes.question("si").withSelfImprove(true)).toCompletableFuture().join();
        Answer answer = ((QuestionResult.Answered) r).answer();
        assertEquals(2, model.chats.size());
        assertEquals(GenerativeAnswerer.INSTRUCTIONS, model.chats.get(0).get(0).content());
        assertTrue(
            model.chats.get(1).get(0).content().contains("behavior_quote_span: Quote."),
            model.chats.get(1).get(0).content());
        assertEquals(List.of("behavior_quote_span"), answer.behaviors().cited());
        assertTrue(answer.timingsMs().containsKey(QuestionCoordinator.IMPROVE));
        assertTrue(answer.timingsMs().containsKey(QuestionCoordinator.REANSWER));
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (traces.size() < 2 && System.nanoTime() < until) Thread.sleep(20);
        assertEquals(
            Set.of("si" + SelfImprovementRound.FIRST_ANSWER_SUFFIX, "si"),
            Set.copyOf(traces.stream().map(Trace::requestId).toList()));
        // The extracted behavior is not in the handbook, so no use is counted.
        assertEquals(0, module.handbook().size());
      }
    }
  }
}
