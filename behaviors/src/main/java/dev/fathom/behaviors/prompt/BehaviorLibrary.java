package dev.fathom.behaviors.prompt;

import dev.fathom.behaviors.handbook.Behavior;
import java.util.List;
import java.util.Set;

/**
 * The behavior stage of the answer path: behavior-conditioned inference (BCI, arXiv 2509.13237 §4).
 * Before an answer, {@link #offer} picks the behaviors for the question and renders the prompt
 * section that lists them; after it, {@link #recordAnswer} finds which of them the answer named and
 * counts their use.
 *
 * <p>Wiring: the answer stage (or a behavior actor between compression and answering) calls {@code
 * offer} with the question, puts {@link Offer#section()} before the evidence (see {@link
 * BehaviorPrompt}), generates, then calls {@code recordAnswer} with the generated text and puts
 * {@link Offer#names()} and {@link Cited#names()} in the answer's {@code --json} and trace.
 * Implementations are thread-safe and never call a language model.
 */
public interface BehaviorLibrary {

  /**
   * The behaviors offered to one answer and their prompt section.
   *
   * @param behaviors the behaviors, in prompt order
   * @param section the text to put before the evidence; "" when no behavior is offered
   */
  record Offer(List<Behavior> behaviors, String section) {
    public static final Offer NONE = new Offer(List.of(), "");

    public Offer {
      behaviors = List.copyOf(behaviors);
    }

    /** The offered names, in prompt order. */
    public List<String> names() {
      return behaviors.stream().map(Behavior::name).toList();
    }
  }

  /**
   * What an answer cited.
   *
   * @param names offered behaviors the answer named, in order of first mention
   * @param updated those behaviors with their new use counts (serve mode publishes them)
   */
  record Cited(List<String> names, List<Behavior> updated) {
    public Cited {
      names = List.copyOf(names);
      updated = List.copyOf(updated);
    }
  }

  /**
   * The behaviors to offer for {@code question}.
   *
   * @param topics the question's topics; when non-empty only behaviors of those topics (and general
   *     ones) are offered
   */
  Offer offer(String question, Set<String> topics);

  /** Finds the offered behaviors {@code answerText} names and counts one use of each. */
  Cited recordAnswer(Offer offer, String answerText);
}
