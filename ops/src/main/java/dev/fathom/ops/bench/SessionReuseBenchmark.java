package dev.fathom.ops.bench;

import dev.fathom.drafters.engine.EngineSettings;
import dev.fathom.drafters.lm.Generation;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.drafters.local.LocalLanguageModel;
import dev.fathom.drafters.tokenizer.ChatMessage;
import dev.fathom.memory.PrefixCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code fathom bench kv --session N}: time to first token of turn {@code N} of a conversation
 * through the real {@link LocalLanguageModel#chat} path (chat template, answers remembered after
 * each turn), with the model's prefix cache and with a second copy of the model whose cache is off
 * ({@value PrefixCache#BUDGET_PROPERTY} = 0). Every run is a new conversation that opens with the
 * same system prompt — a stand-in for the behavior handbook — so turn 1 of a later run already
 * finds that prefix, and turn {@code N} finds the system prompt and the {@code N − 1} earlier
 * turns. Time to first token is {@link Generation#prefillNanos()}: adopting the cached pages and
 * the prefill of the rest (the choice of the first token adds one sampling step to both).
 */
public final class SessionReuseBenchmark {
  private SessionReuseBenchmark() {}

  /** Medians over the runs of turn {@code turn}'s time to first token. */
  public record Result(
      int turn, int promptTokens, long reusedPerRun, long[] cachedNanos, long[] uncachedNanos) {
    public double ratio() {
      return PrefixReuseBenchmark.median(cachedNanos) / PrefixReuseBenchmark.median(uncachedNanos);
    }

    public Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("turn", turn);
      m.put("prompt_tokens", promptTokens);
      m.put("reused_tokens", reusedPerRun);
      m.put("ttft_cached_ms_median", PrefixReuseBenchmark.median(cachedNanos) / 1e6);
      m.put("ttft_uncached_ms_median", PrefixReuseBenchmark.median(uncachedNanos) / 1e6);
      m.put("ratio", ratio());
      return m;
    }

    public String toText() {
      return String.format(
          Locale.ROOT,
          "session: turn %d, %d-token prompt (%d tokens from the prefix cache)%n  time to first"
              + " token, median of %d (min..max): cached %.2f ms (%.2f..%.2f), uncached %.2f ms"
              + " (%.2f..%.2f)%n  cached / uncached: %.3f%n",
          turn,
          promptTokens,
          reusedPerRun,
          cachedNanos.length,
          PrefixReuseBenchmark.median(cachedNanos) / 1e6,
          Arrays.stream(cachedNanos).min().orElse(0) / 1e6,
          Arrays.stream(cachedNanos).max().orElse(0) / 1e6,
          PrefixReuseBenchmark.median(uncachedNanos) / 1e6,
          Arrays.stream(uncachedNanos).min().orElse(0) / 1e6,
          Arrays.stream(uncachedNanos).max().orElse(0) / 1e6,
          ratio());
    }
  }

  /**
   * @param turn the turn measured (≥ 2)
   * @param answerTokens greedy tokens of each answer
   * @param runs conversations, each timed once at {@code turn} (after one untimed warm-up)
   */
  public static Result run(Path model, EngineSettings engine, int turn, int answerTokens, int runs)
      throws IOException {
    if (turn < 2 || answerTokens < 1 || runs < 1) {
      throw new IllegalArgumentException(
          "session needs turn ≥ 2, answerTokens ≥ 1 and runs ≥ 1, got "
              + turn
              + ", "
              + answerTokens
              + ", "
              + runs);
    }
    GenerationSettings greedy = GenerationSettings.GREEDY.withMaxTokens(answerTokens);
    try (LocalLanguageModel cached = LocalLanguageModel.open(model, engine);
        LocalLanguageModel uncached = openWithoutCache(model, engine)) {
      long[] with = new long[runs];
      long[] without = new long[runs];
      int promptTokens = 0;
      long reused = 0;
      for (int r = -1; r < runs; r++) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(ChatMessage.system(handbook()));
        for (int t = 1; t < turn; t++) {
          messages.add(ChatMessage.user(question(r + 1, t)));
          Generation answer = cached.chat(messages, greedy, x -> {});
          messages.add(ChatMessage.assistant(answer.text()));
        }
        messages.add(ChatMessage.user(question(r + 1, turn)));
        long before = cached.engine().prefixCache().stats().reusedPositions();
        boolean cachedFirst = Math.floorMod(r, 2) == 0; // alternate, so load drift hits both
        long c = 0;
        long u = 0;
        for (int k = 0; k < 2; k++) {
          if ((k == 0) == cachedFirst) {
            c = cached.chat(messages, greedy.withMaxTokens(1), x -> {}).prefillNanos();
          } else {
            u = uncached.chat(messages, greedy.withMaxTokens(1), x -> {}).prefillNanos();
          }
        }
        if (r >= 0) {
          with[r] = c;
          without[r] = u;
          reused = cached.engine().prefixCache().stats().reusedPositions() - before;
          promptTokens = cached.chatTokens(messages).length;
        }
      }
      return new Result(turn, promptTokens, reused, with, without);
    }
  }

  /** The model with its prefix cache off: the cache's budget is read when a model is opened. */
  private static LocalLanguageModel openWithoutCache(Path model, EngineSettings engine)
      throws IOException {
    synchronized (System.getProperties()) {
      String old = System.getProperty(PrefixCache.BUDGET_PROPERTY);
      System.setProperty(PrefixCache.BUDGET_PROPERTY, "0");
      try {
        return LocalLanguageModel.open(model, engine);
      } finally {
        if (old == null) {
          System.clearProperty(PrefixCache.BUDGET_PROPERTY);
        } else {
          System.setProperty(PrefixCache.BUDGET_PROPERTY, old);
        }
      }
    }
  }

  /** A behavior-handbook-like system prompt (the same in every conversation). */
  static String handbook() {
    StringBuilder b = new StringBuilder("You answer questions about stories. Follow these rules.");
    String[] topics = {"a girl", "a dog", "the park", "a ball", "her mom", "a tree", "the sun"};
    for (int i = 0; i < topics.length * 2; i++) {
      b.append(" Rule ")
          .append(i + 1)
          .append(": when the question is about ")
          .append(topics[i % topics.length])
          .append(", name who did what, and say where it happened.");
    }
    return b.toString();
  }

  static String question(int conversation, int turn) {
    return "Story " + conversation + ", part " + turn + ": what did the little girl do next?";
  }
}
