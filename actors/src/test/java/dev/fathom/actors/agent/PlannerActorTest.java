package dev.fathom.actors.agent;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.actors.Question;
import dev.fathom.actors.QuestionResult;
import dev.fathom.answer.Answer;
import dev.fathom.answer.Citation;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.testing.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent loop with a scripted model and a scripted pipeline that answers each sub-question from
 * one source named after it.
 */
class PlannerActorTest {

  private final ActorTestKit kit = ActorTestKit.create();
  private static final dev.fathom.retrieval.search.SearchScope SCOPE =
      new dev.fathom.retrieval.search.SearchScope(
          new dev.fathom.retrieval.collection.CollectionName("guilds"),
          dev.fathom.retrieval.filter.FilterSyntax.parseAll(java.util.List.of("year>=1900"), null));

  private final ConcurrentLinkedQueue<Question> asked = new ConcurrentLinkedQueue<>();

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  /** Answers "<source> says so. [1]" citing a source named after the question's first word. */
  private final PlannerActor.Pipeline pipeline =
      (q, stream) -> {
        asked.add(q);
        String source = q.text().split(" ")[0].toLowerCase() + ".txt";
        Citation c = new Citation(1, source, source, 0, 9, "Passage about " + q.text());
        return CompletableFuture.completedFuture(
            new QuestionResult.Answered(
                q.requestId(),
                new Answer(q.text(), source + " says so. [1]", List.of(c), Map.of())));
      };

  /** Decomposes into two questions, then composes citing passages 2 and 1. */
  private static String script(List<ChatMessage> chat) {
    String system = chat.getFirst().content();
    if (system.startsWith("You plan research")) {
      return "1. Who founded the guild?\n2. Where does the guild meet?";
    }
    return "The guild meets in the hall [2], founded by Ada [1] [7].";
  }

  private AgentResult run(ScriptedChatModel model, AgentBudget budget, List<AgentStep> events)
      throws Exception {
    AgentService agent =
        new AgentService(
            kit.system(), new PlannerActor.Deps(pipeline, model, budget), Duration.ofSeconds(20));
    Question q =
        new Question("q1", "Who founded the guild that meets in the hall?", SearchMode.HYBRID, 5)
            .withScope(SCOPE);
    return agent.ask(q, TokenListener.NONE, events::add).toCompletableFuture().get();
  }

  @Test
  void decomposesAnswersEachSubQuestionAndComposesOverAllPassages() throws Exception {
    ScriptedChatModel model = new ScriptedChatModel(4096, PlannerActorTest::script);
    List<AgentStep> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    AgentResult r = run(model, AgentBudget.DEFAULT, events);

    assertEquals(
        List.of("Who founded the guild?", "Where does the guild meet?"),
        asked.stream().map(Question::text).toList(),
        "each sub-question went through the pipeline, in order");
    assertEquals(List.of("q1-sub1", "q1-sub2"), asked.stream().map(Question::requestId).toList());
    assertEquals(
        List.of(SCOPE, SCOPE),
        asked.stream().map(Question::scope).toList(),
        "sub-questions search the question's collection and filter");
    assertEquals(
        List.of("decompose", "sub-question", "sub-question", "compose"),
        r.steps().stream().map(AgentStep::kind).toList());
    assertEquals(r.steps(), events, "every step was streamed as it completed");
    assertEquals(List.of("who.txt"), r.steps().get(1).sources());

    String composePrompt = model.chats.getLast().get(1).content();
    assertTrue(composePrompt.contains("[1] who.txt: Passage about Who founded"), composePrompt);
    assertTrue(composePrompt.contains("[2] where.txt: Passage about Where does"), composePrompt);
    assertTrue(composePrompt.contains("A: where.txt says so. [1]"), composePrompt);

    var a = assertInstanceOf(QuestionResult.Answered.class, r.result()).answer();
    assertEquals("The guild meets in the hall [2], founded by Ada [1].", a.text());
    assertEquals(
        List.of("who.txt", "where.txt"), a.citations().stream().map(Citation::source).toList());
    assertEquals(2 * 10, r.tokens(), "plan and composition, 10 prompt tokens each");
  }

  @Test
  void theStepBudgetCapsTheSubQuestions() throws Exception {
    ScriptedChatModel model = new ScriptedChatModel(4096, PlannerActorTest::script);
    AgentResult r = run(model, new AgentBudget(1, 16_384), new java.util.ArrayList<>());
    assertEquals(1, asked.size());
    assertEquals(
        List.of("decompose", "sub-question", "compose"),
        r.steps().stream().map(AgentStep::kind).toList());
  }

  @Test
  void theTokenBudgetStopsTheLoopAndComposesWhatWasFound() throws Exception {
    // Each sub-answer reports 40 model tokens; the plan 10; a budget of 64 stops after two answers.
    PlannerActor.Pipeline costly =
        (q, stream) ->
            pipeline
                .ask(q, stream)
                .thenApply(
                    res -> {
                      var ans = ((QuestionResult.Answered) res).answer();
                      var gen =
                          new dev.fathom.answer.GenerationReport(
                              "m", null, 0f, 30, 10, null, 0, 0, null, 0, List.of());
                      return new QuestionResult.Answered(
                          q.requestId(),
                          new Answer(ans.question(), ans.text(), ans.citations(), Map.of(), gen));
                    });
    ScriptedChatModel model =
        new ScriptedChatModel(
            4096,
            chat ->
                chat.getFirst().content().startsWith("You plan")
                    ? "Who is A here?\nWho is B here?\nWho is C here?\nWho is D here?"
                    : "Done [1].");
    AgentService agent =
        new AgentService(
            kit.system(),
            new PlannerActor.Deps(costly, model, new AgentBudget(8, 64)),
            Duration.ofSeconds(20));
    AgentResult r =
        agent
            .ask(
                new Question("q2", "Who are A, B, C and D?", SearchMode.HYBRID, 5),
                TokenListener.NONE,
                AgentListener.NONE)
            .toCompletableFuture()
            .get();
    assertEquals(2, asked.size(), "10 + 40 < 64 allows a second, 90 >= 64 stops");
    assertEquals(
        List.of("decompose", "sub-question", "sub-question", "budget", "compose"),
        r.steps().stream().map(AgentStep::kind).toList());
    assertEquals("2 sub-questions left unasked", r.steps().get(3).text());
  }

  @Test
  void aQuestionTheModelDoesNotSplitGoesToThePipelineAsItIs() throws Exception {
    ScriptedChatModel model = new ScriptedChatModel("NONE");
    AgentResult r = run(model, AgentBudget.DEFAULT, new java.util.ArrayList<>());
    assertEquals(1, asked.size());
    assertEquals("q1", asked.peek().requestId());
    assertEquals("Who founded the guild that meets in the hall?", asked.peek().text());
    assertEquals(List.of("decompose"), r.steps().stream().map(AgentStep::kind).toList());
    assertEquals("none", r.steps().getFirst().text());
    assertInstanceOf(QuestionResult.Answered.class, r.result());
    assertEquals(1, model.chats.size(), "no composing call");
  }
}
