package dev.fathom.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fathom.answer.Answer;
import dev.fathom.answer.GenerationReport;
import dev.fathom.behaviors.prompt.BehaviorLibrary;
import dev.fathom.compressors.Evidence;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The self-improvement round against a probe librarian: when it starts, what is recorded where. */
class SelfImprovementRoundTest {

  private static final ActorTestKit testKit = ActorTestKit.create();

  private final TestProbe<BehaviorLibrarian.Command> librarian =
      testKit.createTestProbe(BehaviorLibrarian.Command.class);
  private final Question asking = Fakes.question("si-1").withSelfImprove(true);
  private final Evidence evidence = Fakes.evidence(asking.text(), Fakes.PASSAGE);
  private final BehaviorLibrary.Offer none = BehaviorLibrary.Offer.NONE;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** An answer a language model wrote, so there is a trace to extract behaviors from. */
  private Answer generated() {
    Answer a = Fakes.answer(asking.text(), Fakes.PASSAGE);
    return new Answer(
        a.question(),
        a.text(),
        a.citations(),
        Map.of(),
        new GenerationReport("scripted", null, 0f, 10, 5, null, 0, 0, null, 0, List.of()));
  }

  @Test
  void improvesOnlyOnAGeneratedFirstAnswerToAQuestionAskingForItWithABehaviorStage() {
    Answer first = generated();
    assertTrue(new SelfImprovementRound(asking, librarian.ref()).improvesOn(first));
    assertFalse(
        new SelfImprovementRound(asking.withSelfImprove(false), librarian.ref()).improvesOn(first));
    assertFalse(new SelfImprovementRound(asking, null).improvesOn(first));
    Answer extractive = Fakes.answer(asking.text(), Fakes.PASSAGE);
    assertFalse(new SelfImprovementRound(asking, librarian.ref()).improvesOn(extractive));

    SelfImprovementRound round = new SelfImprovementRound(asking, librarian.ref());
    round.begin(first, evidence, none);
    assertFalse(round.improvesOn(generated()), "the second answer is not improved on");
  }

  @Test
  void extractedBehaviorsTraceTheFirstAnswerAsideAndTheSecondCountsNoUses() {
    SelfImprovementRound round = new SelfImprovementRound(asking, librarian.ref());
    Answer first = generated();
    round.begin(first, evidence, none);
    TestProbe<StatusReply<BehaviorLibrary.Offer>> replyTo = testKit.createTestProbe();
    BehaviorLibrarian.Improve improve = round.request(replyTo.ref());
    assertEquals("si-1", improve.requestId());
    assertSame(first, improve.first());
    assertSame(evidence, improve.evidence());

    round.traceFirstAside();
    var aside = librarian.expectMessageClass(BehaviorLibrarian.Record.class);
    assertEquals("si-1#first", aside.requestId());
    assertSame(first, aside.answer());
    assertTrue(aside.countUses());

    Answer second = generated();
    round.recordReply(evidence, none, second);
    var reply = librarian.expectMessageClass(BehaviorLibrarian.Record.class);
    assertEquals("si-1", reply.requestId());
    assertSame(second, reply.answer());
    assertFalse(reply.countUses());
  }

  @Test
  void whenTheFirstAnswerStandsItIsRecordedUnderTheRequestIdWithItsUses() {
    SelfImprovementRound round = new SelfImprovementRound(asking, librarian.ref());
    Answer first = generated();
    round.begin(first, evidence, none);
    assertSame(first, round.firstStands());
    var record = librarian.expectMessageClass(BehaviorLibrarian.Record.class);
    assertEquals("si-1", record.requestId());
    assertSame(first, record.answer());
    assertTrue(record.countUses());
    librarian.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aReplyWithoutARoundCountsItsUsesAndWithoutABehaviorStageNothingIsRecorded() {
    Answer answer = generated();
    new SelfImprovementRound(asking, librarian.ref()).recordReply(evidence, none, answer);
    assertTrue(librarian.expectMessageClass(BehaviorLibrarian.Record.class).countUses());
    new SelfImprovementRound(asking, null).recordReply(evidence, none, answer);
    librarian.expectNoMessage(Duration.ofMillis(50));
  }
}
