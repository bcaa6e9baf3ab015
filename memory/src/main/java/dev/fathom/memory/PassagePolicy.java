package dev.fathom.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Passage-granular eviction, the RAG twist on H2O (Zhang et al. 2023, §3–4): evidence arrives as
 * whole passages or sentences, and a passage cut to its heaviest tokens is no longer evidence. So
 * the unit is a block — a {@link TokenSpan} of the request's text — scored by the mean attention
 * its positions have accumulated; the sinks (StreamingLLM, Xiao et al. 2023) and a recent window
 * stay, and the best blocks are kept whole, in score order, while they fit. A position outside
 * every block is a block of its own. Blocks are given in token indices of the text ({@code origin}
 * maps cache positions to them, since earlier evictions renumber the cache).
 *
 * <p>Mean rather than total attention, so a long passage does not win by length alone. Like H2O the
 * score accumulates over every query so far, which favours older blocks slightly.
 *
 * @param sinks leading positions always kept
 * @param recentFraction share of the budget for the most recent positions (0..1)
 * @param blocks the evidence blocks, in token indices of the text; may be empty
 */
public record PassagePolicy(int sinks, double recentFraction, List<TokenSpan> blocks)
    implements KvEvictionPolicy {
  public PassagePolicy {
    if (sinks < 0) {
      throw new IllegalArgumentException("sinks must be ≥ 0, got " + sinks);
    }
    if (!(recentFraction >= 0 && recentFraction < 1)) {
      throw new IllegalArgumentException(
          "recentFraction must be in 0..1 (exclusive), got " + recentFraction);
    }
    blocks = List.copyOf(blocks);
  }

  /** The same policy over other blocks (a request's own passages). */
  public PassagePolicy withBlocks(List<TokenSpan> spans) {
    return new PassagePolicy(sinks, recentFraction, spans);
  }

  @Override
  public int[] keep(int length, int budget, double[] attention) {
    int[] identity = new int[length];
    Arrays.setAll(identity, i -> i);
    return keep(length, budget, attention, identity);
  }

  @Override
  public int[] keep(int length, int budget, double[] attention, int[] origin) {
    if (budget < minBudget()) {
      throw new IllegalArgumentException(
          "a budget of " + budget + " positions must exceed the " + sinks + " sinks");
    }
    if (length <= budget) {
      int[] all = new int[length];
      Arrays.setAll(all, i -> i);
      return all;
    }
    int recent = Math.max(1, (int) Math.round(budget * recentFraction));
    recent = Math.min(recent, budget - sinks);
    int middleEnd = length - recent;
    // Cache positions of the middle grouped by block, in order of first appearance.
    Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
    for (int p = sinks; p < middleEnd; p++) {
      groups.computeIfAbsent(blockOf(origin[p], p), k -> new ArrayList<>()).add(p);
    }
    List<List<Integer>> ranked = new ArrayList<>(groups.values());
    double[] score = new double[ranked.size()];
    for (int b = 0; b < ranked.size(); b++) {
      double sum = 0;
      for (int p : ranked.get(b)) {
        sum += attention[p];
      }
      score[b] = sum / ranked.get(b).size();
    }
    Integer[] order = new Integer[ranked.size()];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
    int room = budget - sinks - recent;
    boolean[] kept = new boolean[length];
    for (int p = 0; p < sinks; p++) {
      kept[p] = true;
    }
    for (int p = middleEnd; p < length; p++) {
      kept[p] = true;
    }
    for (int b : order) {
      List<Integer> block = ranked.get(b);
      if (block.size() <= room) {
        block.forEach(p -> kept[p] = true);
        room -= block.size();
      }
    }
    int n = 0;
    int[] keep = new int[budget];
    for (int p = 0; p < length; p++) {
      if (kept[p]) {
        keep[n++] = p;
      }
    }
    return Arrays.copyOf(keep, n);
  }

  /** The block index holding text token {@code token}, or a key of its own (−1 − position). */
  private int blockOf(int token, int position) {
    // Binary search would need sorted, disjoint spans; requests have few passages.
    for (int b = 0; b < blocks.size(); b++) {
      TokenSpan s = blocks.get(b);
      if (token >= s.start() && token < s.end()) {
        return b;
      }
    }
    return -1 - position;
  }

  @Override
  public boolean needsAttention() {
    return true;
  }

  @Override
  public int minBudget() {
    return sinks + 2;
  }

  @Override
  public String name() {
    return "passage";
  }
}
