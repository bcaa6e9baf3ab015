package dev.fathom.behaviors.handbook;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One behavior: a named, one-line procedural instruction (arXiv 2509.13237 §2: "a behavior is a
 * name and an instruction", e.g. {@code behavior_compare_dates_across_sources: when sources give
 * different dates, cite both and say which is later}). Procedural, not factual: it says how to
 * answer, never what the answer is.
 *
 * @param name {@code behavior_<snake_name>}: lower-case letters, digits and single underscores, at
 *     most {@value #MAX_NAME} characters
 * @param instruction one line, 1..{@value #MAX_INSTRUCTION} characters
 * @param topic the topic it was mined under, "" for general
 * @param provenance the request ids of the traces it was mined from (duplicates removed, in order)
 * @param uses how many answers cited it (≥ 0)
 */
@JsonPropertyOrder({"name", "instruction", "topic", "provenance", "uses"})
public record Behavior(
    String name, String instruction, String topic, List<String> provenance, long uses) {

  /** Longest name accepted. */
  public static final int MAX_NAME = 80;

  /** Longest instruction accepted: a behavior is a line, not a paragraph. */
  public static final int MAX_INSTRUCTION = 400;

  /** The name grammar. */
  public static final Pattern NAME = Pattern.compile("behavior(_[a-z0-9]+)+");

  public Behavior {
    if (name == null || !NAME.matcher(name).matches() || name.length() > MAX_NAME) {
      throw new IllegalArgumentException(
          "behavior name must match behavior_<snake_name> (lower-case letters, digits, single"
              + " underscores; at most "
              + MAX_NAME
              + " characters), got '"
              + name
              + "'");
    }
    if (instruction == null) {
      throw new IllegalArgumentException("instruction of " + name + " is missing");
    }
    instruction = instruction.strip();
    if (instruction.isEmpty()
        || instruction.length() > MAX_INSTRUCTION
        || instruction.indexOf('\n') >= 0) {
      throw new IllegalArgumentException(
          "instruction of "
              + name
              + " must be one line of 1.."
              + MAX_INSTRUCTION
              + " characters, got "
              + instruction.length()
              + " characters");
    }
    topic = topic == null ? "" : topic.strip();
    provenance = List.copyOf(new LinkedHashSet<>(provenance == null ? List.of() : provenance));
    if (uses < 0) {
      throw new IllegalArgumentException("uses of " + name + " must be ≥ 0, got " + uses);
    }
  }

  /** A new behavior, mined from no trace yet, never used. */
  /**
   * {@code behavior_} plus the name in snake case: CamelCase split, lower-cased, every run of other
   * characters one underscore ({@code "Compare Dates"} → {@code behavior_compare_dates}).
   */
  public static String normalizeName(String name) {
    String s = name.replaceFirst("^(?i:behaviou?r)(?=[ _-]|$|[A-Z])", "");
    s = CAMEL_CASE.matcher(s).replaceAll("_").toLowerCase(java.util.Locale.ROOT);
    s = s.replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
    return s.isEmpty() ? "behavior" : "behavior_" + s;
  }

  private static final Pattern CAMEL_CASE = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])");

  public static Behavior of(String name, String instruction, String topic) {
    return new Behavior(name, instruction, topic, List.of(), 0);
  }

  /** The line the prompt shows: {@code name: instruction}. */
  public String line() {
    return name + ": " + instruction;
  }

  /**
   * {@code other} folded into this one: this name, instruction and topic are kept (the first
   * wording wins, so a published behavior does not change under the answers that cite it);
   * provenance is the union, uses the sum.
   */
  public Behavior absorb(Behavior other) {
    List<String> both = new java.util.ArrayList<>(provenance);
    both.addAll(other.provenance);
    return new Behavior(name, instruction, topic, both, uses + other.uses);
  }

  /** This behavior cited {@code n} more times. */
  public Behavior used(long n) {
    return new Behavior(name, instruction, topic, provenance, uses + n);
  }
}
