package dev.fathom.behaviors.curation;

import dev.fathom.behaviors.handbook.Behavior;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the strategist's extraction output — asked for as lines of {@code behavior_<snake_name>:
 * <one-line instruction>} (arXiv 2509.13237 §3) — tolerantly, because models decorate lists.
 *
 * <p>Accepted: numbered lists ({@code 1.}, {@code 2)}, {@code (3)}), bullets ({@code - * • +}),
 * markdown emphasis, headings, block quotes and code fences, backticks and JSON-style quotes around
 * names or instructions, separators {@code :}, {@code ->}, {@code →}, {@code —}, {@code –}, {@code
 * -} and {@code =}, the name alone on a line with the instruction on the next, names written in
 * words or CamelCase ("Behavior Compare Dates" → {@code behavior_compare_dates}), British spelling
 * and a {@code <think>} block before the list (dropped). Prose around the list is ignored.
 *
 * <p>Skipped, each with a reason in {@link Parsed#skipped()}: a name with nothing after the {@code
 * behavior} prefix, a name in more than six words (prose that happens to start with "Behavior"), an
 * instruction that is missing or longer than {@link Behavior#MAX_INSTRUCTION} characters (cut
 * instructions would be wrong instructions), a repeated name. Output with no behavior line gives
 * zero behaviors and one reason. Parsing never throws.
 */
public final class BehaviorListParser {

  /**
   * A behavior as the strategist proposed it.
   *
   * @param name normalised {@code behavior_<snake_name>}
   * @param instruction the one-line instruction
   */
  public record Candidate(String name, String instruction) {}

  /**
   * The parse.
   *
   * @param behaviors the behaviors found, in output order
   * @param skipped why each rejected line was rejected (or why nothing was found)
   */
  public record Parsed(List<Candidate> behaviors, List<String> skipped) {
    public Parsed {
      behaviors = List.copyOf(behaviors);
      skipped = List.copyOf(skipped);
    }
  }

  private static final int MAX_NAME_WORDS = 6;
  private static final Pattern THINK = Pattern.compile("(?is)<think>.*?</think>");
  private static final Pattern DECORATION =
      Pattern.compile("^(?:[#>]+\\s*|(?:\\d{1,3}[.)]|\\(\\d{1,3}\\)|[-*•+])\\s+)");
  // "behavior" (or "behaviour"), then the name (letters, digits, _, -, spaces), then a separator.
  private static final Pattern LINE =
      Pattern.compile(
          "^(?i:behaviou?r)((?:[ _-]|(?=[A-Z]))[\\p{L}\\p{N}_ -]*?)\\s*"
              + "(?::|->|→|=|\\s[—–-]\\s|[—–])\\s*(.*)$");
  private static final Pattern NAME_ONLY =
      Pattern.compile("(?i)^behaviou?r([_-][\\p{L}\\p{N}_-]+)$");

  private BehaviorListParser() {}

  /** Parses {@code raw}; never throws. */
  public static Parsed parse(String raw) {
    List<Candidate> found = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    if (raw == null || raw.isBlank()) {
      return new Parsed(found, List.of("the strategist's output is empty"));
    }
    String text = THINK.matcher(raw).replaceAll("\n");
    String[] lines = text.split("\\R");
    Set<String> seen = new HashSet<>();
    int behaviorLines = 0;
    for (int i = 0; i < lines.length; i++) {
      String line = clean(lines[i]);
      String name;
      String instruction;
      Matcher m = LINE.matcher(line);
      Matcher alone = NAME_ONLY.matcher(line);
      if (m.matches()) {
        name = m.group(1);
        instruction = m.group(2);
      } else if (alone.matches()) {
        name = alone.group(1);
        instruction = "";
      } else {
        continue; // prose, headings, fences
      }
      behaviorLines++;
      instruction = unquote(instruction);
      // "Behavior 1: behavior_x: do y" — the real name follows the label.
      Matcher inner = LINE.matcher(instruction);
      if (instruction.toLowerCase(Locale.ROOT).startsWith("behavio") && inner.matches()) {
        name = inner.group(1);
        instruction = unquote(inner.group(2));
      }
      if (instruction.isEmpty() && i + 1 < lines.length) {
        String next = clean(lines[i + 1]);
        if (!next.isEmpty()
            && !LINE.matcher(next).matches()
            && !NAME_ONLY.matcher(next).matches()) {
          instruction = unquote(next);
          i++;
        }
      }
      String words = name.strip().replaceAll("^[_-]+", "");
      String normalized = normalizeName(words);
      String label = "'" + abbreviate(line) + "'";
      if (normalized.equals("behavior")) {
        skipped.add(label + ": no name after the behavior_ prefix");
      } else if (words.split("\\s+").length > MAX_NAME_WORDS) {
        skipped.add(label + ": a name of more than " + MAX_NAME_WORDS + " words looks like prose");
      } else if (normalized.length() > Behavior.MAX_NAME) {
        skipped.add(label + ": name longer than " + Behavior.MAX_NAME + " characters");
      } else if (instruction.isEmpty()) {
        skipped.add(label + ": no instruction");
      } else if (instruction.length() > Behavior.MAX_INSTRUCTION) {
        skipped.add(
            label
                + ": instruction of "
                + instruction.length()
                + " characters, more than "
                + Behavior.MAX_INSTRUCTION);
      } else if (!seen.add(normalized)) {
        skipped.add(label + ": repeats " + normalized);
      } else {
        found.add(new Candidate(normalized, instruction));
      }
    }
    if (behaviorLines == 0) {
      skipped.add(
          "no line of the form behavior_<name>: <instruction> among "
              + lines.length
              + " lines of output");
    }
    return new Parsed(found, skipped);
  }

  /**
   * {@code behavior_} plus the name in snake case: CamelCase split, lower-cased, every run of other
   * characters one underscore ({@code "Compare Dates"} → {@code behavior_compare_dates}).
   */
  public static String normalizeName(String name) {
    return Behavior.normalizeName(name);
  }

  private static String clean(String line) {
    String s = line.strip();
    for (int guard = 0; guard < 4; guard++) {
      String before = s;
      s = DECORATION.matcher(s).replaceFirst("").strip();
      if (s.equals(before)) break;
    }
    // Emphasis and code marks are decoration wherever they appear in a list line.
    s = s.replace("**", "").replace("__", " ").replace("`", "");
    s = s.replaceFirst("^[\"'“]+", "").strip();
    // JSON style: "behavior_x": "do y",
    s = s.replaceFirst("^(behaviou?r[\\w-]*)[\"'”]\\s*:", "$1:");
    return s;
  }

  private static String unquote(String s) {
    String t = s.strip().replaceFirst(",$", "").strip();
    t = t.replaceFirst("^[\"'“*_]+", "").replaceFirst("[\"'”*_]+$", "");
    return t.strip();
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
