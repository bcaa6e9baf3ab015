package dev.fathom.retrieval.rank;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the permutation a listwise ranker's model wrote ({@code [2] > [3] > [1]}) and repairs it,
 * as RankGPT's {@code receive_permutation} does (Sun et al. 2023, sunnweiwei/RankGPT): ids out of
 * range and repeated ids are dropped, ids never named keep their original order after the named
 * ones. One difference: when the output holds bracketed ids, only those are read, so numbers in
 * prose around them ("the top 3 are …") are not taken for passage ids. Never throws on text.
 */
public final class PermutationParser {

  private static final Pattern BRACKETED = Pattern.compile("\\[\\s*(\\d{1,9})\\s*]");
  private static final Pattern NUMBER = Pattern.compile("\\d{1,9}");

  /**
   * A repaired permutation.
   *
   * @param order 0-based indices of {@code 0 .. n-1}, each exactly once, best first
   * @param named how many of them the model actually named (valid, first occurrence)
   * @param repairs what was fixed (empty when the output was a clean permutation)
   */
  public record Parsed(int[] order, int named, List<String> repairs) {
    public Parsed {
      repairs = List.copyOf(repairs);
    }

    public boolean clean() {
      return repairs.isEmpty();
    }
  }

  private PermutationParser() {}

  /**
   * Parses ids {@code 1 .. n} (as numbered in the prompt) out of {@code output}.
   *
   * @throws IllegalArgumentException when {@code n < 0}
   */
  public static Parsed parse(String output, int n) {
    if (n < 0) throw new IllegalArgumentException("n must be >= 0, got " + n);
    String text = output == null ? "" : output;
    List<Integer> ids = numbers(BRACKETED, text);
    if (ids.isEmpty()) ids = numbers(NUMBER, text);
    boolean[] seen = new boolean[n];
    int[] order = new int[n];
    int at = 0;
    List<Integer> outOfRange = new ArrayList<>();
    List<Integer> repeated = new ArrayList<>();
    for (int id : ids) {
      if (id < 1 || id > n) {
        outOfRange.add(id);
      } else if (seen[id - 1]) {
        repeated.add(id);
      } else {
        seen[id - 1] = true;
        order[at++] = id - 1;
      }
    }
    int named = at;
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (!seen[i]) {
        missing.add(i + 1);
        order[at++] = i;
      }
    }
    List<String> repairs = new ArrayList<>();
    if (!outOfRange.isEmpty()) repairs.add("dropped out-of-range ids " + outOfRange);
    if (!repeated.isEmpty()) repairs.add("dropped repeated ids " + repeated);
    if (!missing.isEmpty()) repairs.add("appended missing ids " + missing);
    return new Parsed(order, named, repairs);
  }

  private static List<Integer> numbers(Pattern p, String text) {
    List<Integer> out = new ArrayList<>();
    Matcher m = p.matcher(text);
    while (m.find()) out.add(Integer.parseInt(m.groupCount() > 0 ? m.group(1) : m.group()));
    return out;
  }
}
