package dev.fathom.behaviors.curation;

import dev.fathom.behaviors.curation.BehaviorCurator.Proposal;
import dev.fathom.behaviors.prompt.BehaviorLibrary.Offer;
import dev.fathom.behaviors.prompt.BehaviorPrompt;
import dev.fathom.behaviors.trace.Trace;
import java.util.Objects;

/**
 * Behavior-guided self-improvement (arXiv 2509.13237 §5): the model answers, the strategist
 * extracts behaviors from that answer's trace, and the model answers again with those behaviors in
 * its prompt. The paper finds this beats critique-and-revise (up to 10% accuracy on AIME); here it
 * is optional per request, and it costs two answers and two strategist generations, so it belongs
 * to requests that ask for it, not the default path.
 *
 * <p>The behaviors go straight into the second prompt; they are not added to the handbook here (the
 * caller may curate the trace as usual).
 */
public final class SelfImprovement {

  /** The answer stage, given the behaviors to put in its prompt ({@link Offer#NONE} for none). */
  @FunctionalInterface
  public interface AnswerWith {
    Trace answer(Offer offer);
  }

  /**
   * Both answers.
   *
   * @param first the answer without behaviors
   * @param proposal the behaviors extracted from {@code first}
   * @param second the answer with them, or null when none were extracted (nothing to re-answer
   *     with)
   */
  public record Result(Trace first, Proposal proposal, Trace second) {
    /** The answer to return: the second when there is one. */
    public Trace best() {
      return second != null ? second : first;
    }
  }

  private final BehaviorCurator curator;
  private final BehaviorPrompt prompt;

  public SelfImprovement(BehaviorCurator curator, BehaviorPrompt prompt) {
    this.curator = Objects.requireNonNull(curator, "curator");
    this.prompt = Objects.requireNonNull(prompt, "prompt");
  }

  /** Answers, extracts behaviors from the answer, answers again with them. */
  public Result improve(AnswerWith answerWith) {
    Trace first = answerWith.answer(Offer.NONE);
    Proposal proposal = curator.propose(first);
    if (proposal.behaviors().isEmpty()) {
      return new Result(first, proposal, null);
    }
    var ordered = BehaviorPrompt.promptOrder(proposal.behaviors());
    Trace second = answerWith.answer(new Offer(ordered, prompt.section(ordered)));
    return new Result(first, proposal, second);
  }
}
