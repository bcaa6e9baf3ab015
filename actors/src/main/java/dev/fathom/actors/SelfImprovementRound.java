package dev.fathom.actors;

import dev.fathom.answer.Answer;
import dev.fathom.behaviors.curation.SelfImprovement;
import dev.fathom.behaviors.prompt.BehaviorLibrary;
import dev.fathom.compressors.Evidence;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * One question's round of behavior-guided self-improvement (arXiv 2509.13237 §5), as its {@link
 * QuestionCoordinator} runs it: the behavior stage extracts behaviors from the first answer, and
 * the question is answered again with them in the prompt. The coordinator keeps the messages and
 * the clock (stages {@code improve} and {@code reanswer}); this keeps the first answer and what it
 * was written from, and tells the behavior stage which answer to record under which request id:
 *
 * <ul>
 *   <li>behaviors extracted: the first answer is traced aside, under {@code requestId#first}, and
 *       the second answer is the reply;
 *   <li>nothing extracted, or extraction failed: the first answer stands — it is the reply, traced
 *       under the request id.
 * </ul>
 *
 * <p>The steps run as messages, not through {@link SelfImprovement#improve}, which calls its answer
 * function synchronously: here the second answer is an ask of the answer stage like the first.
 * Extraction gets what is left of the question's budget, so its running out of time is the
 * question's timeout, not a reason to let the first answer stand.
 */
final class SelfImprovementRound {

  /** Suffix of the request id under which a self-improved question's first answer is traced. */
  static final String FIRST_ANSWER_SUFFIX = "#first";

  private final Question question;
  private final ActorRef<BehaviorLibrarian.Command> librarian; // null: the handbook is off
  private Answer first; // null until the round begins
  private Evidence evidence;
  private BehaviorLibrary.Offer offer;

  SelfImprovementRound(Question question, ActorRef<BehaviorLibrarian.Command> librarian) {
    this.question = question;
    this.librarian = librarian;
  }

  /**
   * Whether to improve on {@code answer}: the question asks for it, there is a behavior stage to
   * extract with, the answer was generated (so it has a trace to extract from), and it is the
   * first.
   */
  boolean improvesOn(Answer answer) {
    return first == null
        && question.selfImprove()
        && librarian != null
        && answer.generation() != null;
  }

  /** Begins the round on {@code first}, written from {@code evidence} with {@code offer}. */
  void begin(Answer first, Evidence evidence, BehaviorLibrary.Offer offer) {
    this.first = first;
    this.evidence = evidence;
    this.offer = offer;
  }

  /** The behavior stage's request to extract behaviors from the first answer. */
  BehaviorLibrarian.Improve request(ActorRef<StatusReply<BehaviorLibrary.Offer>> replyTo) {
    return new BehaviorLibrarian.Improve(question.requestId(), evidence, first, replyTo);
  }

  /** Behaviors were extracted: traces the first answer aside; the second will be the reply. */
  void traceFirstAside() {
    librarian.tell(
        new BehaviorLibrarian.Record(
            question.requestId() + FIRST_ANSWER_SUFFIX, evidence, offer, first));
  }

  /** The round ends without a second answer: the first, traced under the request id, stands. */
  Answer firstStands() {
    librarian.tell(new BehaviorLibrarian.Record(question.requestId(), evidence, offer, first));
    return first;
  }

  /**
   * Tells the behavior stage, if there is one, that {@code answer} — written from {@code evidence}
   * with {@code offer} — is the reply. The offered behaviors' uses are counted only for a first
   * answer: a second answer's behaviors were extracted, not offered from the handbook.
   */
  void recordReply(Evidence evidence, BehaviorLibrary.Offer offer, Answer answer) {
    if (librarian == null) return;
    librarian.tell(
        new BehaviorLibrarian.Record(question.requestId(), evidence, offer, answer, first == null));
  }
}
