package dev.fathom.answer;

import java.util.List;

/**
 * The behaviors of the handbook an answer's prompt offered and those the answer named
 * (behavior-conditioned inference, arXiv 2509.13237 §4; see {@code docs/behaviors.md}).
 *
 * @param offered behavior names in prompt order
 * @param cited the offered behaviors the answer named, in order of first mention
 */
public record BehaviorsUsed(List<String> offered, List<String> cited) {
  public BehaviorsUsed {
    offered = List.copyOf(offered);
    cited = List.copyOf(cited);
    for (String c : cited) {
      if (!offered.contains(c)) {
        throw new IllegalArgumentException(
            "cited behavior " + c + " was not offered; offered are " + offered);
      }
    }
  }
}
