package dev.fathom.behaviors.prompt;

import dev.fathom.behaviors.handbook.Behavior;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Renders the behavior section of an answer prompt from {@code conditioned.txt} and places it.
 *
 * <p><b>Order.</b> Instructions, then the behaviors, then the evidence, then the question last —
 * the paper puts behaviors before the question (arXiv 2509.13237 §4), and Fathom's answer prompt
 * already ends with the question (RAPID, RECOMP). Behaviors are listed by name, not by score: two
 * questions offered the same behaviors then share the same prompt prefix token for token, which a
 * KV prefix cache can reuse (behaviors are input tokens and "can be prefilled", §4); ordering by
 * score would make the prefix depend on the question.
 */
public final class BehaviorPrompt {

  private final PromptTemplate template;

  /** With {@code conditioned.txt} from {@code promptsDir} when it holds one, else the built-in. */
  public BehaviorPrompt(Path promptsDir) {
    this.template = PromptTemplate.load("conditioned.txt", promptsDir, Set.of("behaviors"));
  }

  /** {@code behaviors} in prompt order: by name. */
  public static List<Behavior> promptOrder(List<Behavior> behaviors) {
    return behaviors.stream().sorted(Comparator.comparing(Behavior::name)).toList();
  }

  /** The section listing {@code behaviors} ({@code name: instruction} a line); "" for none. */
  public String section(List<Behavior> behaviors) {
    if (behaviors.isEmpty()) return "";
    String lines =
        promptOrder(behaviors).stream().map(Behavior::line).collect(Collectors.joining("\n"));
    return template.render(Map.of("behaviors", lines));
  }

  /**
   * A system message with the behavior section after the answer instructions: the stable prefix of
   * a chat prompt whose user message holds the evidence and the question.
   */
  public static String systemMessage(String instructions, BehaviorLibrary.Offer offer) {
    return offer.section().isEmpty() ? instructions : instructions + "\n\n" + offer.section();
  }

  /**
   * A whole plain-text prompt: instructions, behaviors, evidence, question last (each part
   * separated by a blank line; empty parts left out).
   */
  public static String compose(
      String instructions, BehaviorLibrary.Offer offer, String evidence, String question) {
    return java.util.stream.Stream.of(
            instructions, offer.section(), evidence, "Question: " + question.strip())
        .filter(s -> s != null && !s.isBlank())
        .collect(Collectors.joining("\n\n"));
  }
}
