package dev.fathom.behaviors.prompt;

import dev.fathom.behaviors.handbook.Behavior;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds which offered behaviors an answer names. BCI asks the model to name a behavior where it
 * uses it (arXiv 2509.13237 §4 makes traces auditable this way); models name them loosely, so a
 * mention counts when it is, ignoring case, markup and the separator between words:
 *
 * <ul>
 *   <li>the full name ({@code behavior_compare_dates}, {@code **Behavior_Compare_Dates**}, {@code
 *       behaviour-compare-dates});
 *   <li>the name without its prefix, as one snake-case token ({@code compare_dates}) — not as loose
 *       words, which would count every answer that says "compare dates".
 * </ul>
 *
 * Names that were not offered are not counted (a model may invent names).
 */
public final class BehaviorCitations {

  private static final Pattern FULL =
      Pattern.compile("(?i)behaviou?r[_-][a-z0-9]+(?:[_-][a-z0-9]+)*");
  private static final Pattern SNAKE =
      Pattern.compile("(?i)(?<![a-z0-9_])[a-z0-9]+(?:_[a-z0-9]+)+");

  private BehaviorCitations() {}

  /** The names of {@code offered} that {@code text} mentions, in order of first mention. */
  public static List<String> cited(List<String> offered, String text) {
    if (text == null || text.isEmpty() || offered.isEmpty()) return List.of();
    Set<String> names = Set.copyOf(offered);
    Map<Integer, String> byPosition = new TreeMap<>();
    Matcher full = FULL.matcher(text);
    while (full.find()) {
      String n = Behavior.normalizeName(full.group().toLowerCase(Locale.ROOT));
      if (names.contains(n)) byPosition.putIfAbsent(full.start(), n);
    }
    Matcher snake = SNAKE.matcher(text);
    while (snake.find()) {
      String token = snake.group().toLowerCase(Locale.ROOT);
      if (token.startsWith("behavior_") || token.startsWith("behaviour_")) continue;
      String n = "behavior_" + token;
      if (names.contains(n)) byPosition.putIfAbsent(snake.start(), n);
    }
    return new ArrayList<>(new LinkedHashSet<>(byPosition.values()));
  }
}
