package dev.fathom.ops.bench;

import dev.fathom.drafters.engine.EvictingSequence;
import dev.fathom.drafters.engine.LlamaEngine;
import dev.fathom.drafters.engine.Sequence;
import dev.fathom.drafters.tokenizer.Tokenizer;
import dev.fathom.drafters.tokenizer.Tokenizers;
import dev.fathom.memory.KvEvictionPolicy;
import dev.fathom.memory.TokenSpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * {@code fathom bench kv --passkey}: can the model still find what was planted early in a long
 * context once its cache is bounded? The passkey retrieval test (Mohtashami and Jaggi 2023,
 * "Landmark Attention", §4.2) shrunk to a model that follows no instruction. stories260K neither
 * answers "what was the number?" nor copies a planted number back over more than ~100 tokens (a
 * 4-digit number said three times is picked out of five 90 % of the time 64 tokens later, at chance
 * 256 tokens later), but it does carry a character's name across a story. So each trial opens with
 * "Once upon a time, there was a girl named N. N liked to play. N was happy." (N one of {@link
 * #NAMES}), the model's own story (sampled from BOS, seed per trial) fills the context, and after
 * the cue "One day," the model scores " N went" for the planted name and {@code candidates − 1}
 * decoy names by log-likelihood. A trial passes when the planted name scores highest; chance is
 * {@code 1 / candidates}, and the full cache's rate is the baseline each policy is measured
 * against. The passage policy sees the planted sentences as one block and the story's sentences as
 * the others.
 */
public final class PasskeyBenchmark {
  private PasskeyBenchmark() {}

  /** Names stories260K writes whole; "Lily", its favourite, is left out so the prior is flat. */
  public static final List<String> NAMES =
      List.of("Sue", "Ben", "Tom", "Sam", "Tim", "Amy", "Max", "Anna", "Mia", "Lucy");

  private static final String PLANT =
      "Once upon a time, there was a girl named %s. %s liked to" + " play. %s was happy.";
  private static final String CUE = "One day,";
  private static final String ANSWER = "%s went";

  /** One policy at one budget ({@code policy} "full" for the unbounded cache). */
  public record Row(String policy, int budget, int trials, double accuracy, double chance) {
    public Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("policy", policy);
      m.put("budget", budget);
      m.put("trials", trials);
      m.put("passkey_accuracy", accuracy);
      m.put("chance", chance);
      return m;
    }

    public String toText() {
      return String.format(
          Locale.ROOT,
          "passkey %-14s budget %4d  accuracy %.3f  (chance %.3f, %d trials)%n",
          policy,
          budget,
          accuracy,
          chance,
          trials);
    }
  }

  /** One trial: the context and the candidate answers, the planted one first. */
  record Trial(int[] context, List<TokenSpan> blocks, List<int[]> answers) {}

  /**
   * Runs {@code trials} trials of {@code contextTokens} tokens with the full cache and with each
   * policy at each budget.
   */
  public static List<Row> run(
      LlamaEngine engine,
      int contextTokens,
      int trials,
      int candidates,
      int[] budgets,
      List<KvEvictionPolicy> policies,
      long seed) {
    if (candidates < 2 || candidates > NAMES.size() || trials < 1) {
      throw new IllegalArgumentException(
          "passkey needs 2.."
              + NAMES.size()
              + " candidates and ≥ 1 trial, got "
              + candidates
              + " and "
              + trials);
    }
    Tokenizer tokenizer = Tokenizers.fromGguf(engine.file().metadata());
    List<Trial> set = new ArrayList<>();
    for (int t = 0; t < trials; t++) {
      set.add(trial(engine, tokenizer, contextTokens, candidates, seed + t));
    }
    double chance = 1.0 / candidates;
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("full", 0, trials, accuracy(set, t -> engine.newSequence()), chance));
    for (KvEvictionPolicy policy : policies) {
      for (int budget : budgets) {
        double a =
            accuracy(
                set,
                t ->
                    new EvictingSequence(
                        engine.newSequence(), KvBenchmarks.withBlocks(policy, t.blocks()), budget));
        rows.add(new Row(policy.name(), budget, trials, a, chance));
      }
    }
    return rows;
  }

  static Trial trial(
      LlamaEngine engine, Tokenizer tokenizer, int contextTokens, int candidates, long seed) {
    List<String> names = new ArrayList<>(NAMES);
    Collections.shuffle(names, new Random(seed));
    String n = names.get(0);
    int[] text = tokenizer.encode(String.format(Locale.ROOT, PLANT, n, n, n));
    int[] plant = new int[text.length + 1];
    plant[0] = tokenizer.bos(); // as the model was trained: every story starts with BOS
    System.arraycopy(text, 0, plant, 1, text.length);
    int[] cue = continuation(tokenizer, CUE);
    int fill = contextTokens - plant.length - cue.length;
    if (fill < 1) {
      throw new IllegalArgumentException(
          "a context of " + contextTokens + " tokens leaves no room for the story");
    }
    int[] story = KvBenchmarks.selfWritten(engine, fill + 1, seed);
    int[] context = new int[contextTokens];
    System.arraycopy(plant, 0, context, 0, plant.length);
    System.arraycopy(story, 1, context, plant.length, fill); // the story without its BOS
    System.arraycopy(cue, 0, context, contextTokens - cue.length, cue.length);
    List<TokenSpan> blocks = new ArrayList<>();
    blocks.add(new TokenSpan(1, plant.length));
    for (TokenSpan s : KvBenchmarks.sentences(Arrays.copyOfRange(story, 1, fill + 1), tokenizer)) {
      blocks.add(new TokenSpan(plant.length + s.start(), plant.length + s.end()));
    }
    List<int[]> answers = new ArrayList<>();
    for (int i = 0; i < candidates; i++) {
      answers.add(continuation(tokenizer, String.format(Locale.ROOT, ANSWER, names.get(i))));
    }
    return new Trial(context, blocks, answers);
  }

  /** Tokens of {@code text} as it continues a sentence (after a space, without BOS). */
  static int[] continuation(Tokenizer tokenizer, String text) {
    int[] with = tokenizer.encode("a " + text);
    int[] without = tokenizer.encode("a");
    return Arrays.copyOfRange(with, without.length, with.length);
  }

  private static double accuracy(List<Trial> set, Function<Trial, Sequence> sequences) {
    int passed = 0;
    for (Trial t : set) {
      Sequence seq = sequences.apply(t);
      float[] last = seq.forward(t.context(), false);
      int longest = t.answers().stream().mapToInt(a -> a.length).max().orElseThrow();
      if (seq instanceof EvictingSequence e) {
        e.reserve(longest);
      }
      int length = seq.length();
      int vocab = seq.vocabularySize();
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < t.answers().size(); i++) {
        int[] answer = t.answers().get(i);
        float[] all = seq.forward(answer, true);
        double lp = logProb(last, 0, vocab, answer[0]);
        for (int k = 1; k < answer.length; k++) {
          lp += logProb(all, (k - 1) * vocab, vocab, answer[k]);
        }
        seq.truncate(length);
        if (lp > bestScore) {
          bestScore = lp;
          best = i;
        }
      }
      passed += best == 0 ? 1 : 0;
    }
    return passed / (double) set.size();
  }

  static double logProb(float[] logits, int from, int vocab, int token) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = from; i < from + vocab; i++) {
      max = Math.max(max, logits[i]);
    }
    double sum = 0;
    for (int i = from; i < from + vocab; i++) {
      sum += Math.exp(logits[i] - max);
    }
    return logits[from + token] - max - Math.log(sum);
  }
}
