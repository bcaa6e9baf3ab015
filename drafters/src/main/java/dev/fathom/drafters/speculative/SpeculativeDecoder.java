package dev.fathom.drafters.speculative;

import dev.fathom.drafters.engine.Decoding;
import dev.fathom.drafters.engine.Sequence;
import dev.fathom.drafters.lm.Generation.StopReason;
import dev.fathom.drafters.sampling.Sampler;
import java.util.Set;

/**
 * Retrieval-augmented speculative decoding (RAPID, Chen et al., arXiv 2502.20330, §3 and Algorithm
 * 1) over two {@link Sequence}s that share a tokenizer: a drafter reading a short context and a
 * target reading the long one.
 *
 * <p>Each round the drafter proposes up to γ tokens one at a time; the target scores all of them
 * (plus one) in a single batched forward; drafts are accepted while {@code r ≤ p̂(x)/q(x)}; the
 * first rejection is replaced by a draw from the {@link ResidualRule residual}, and when every
 * draft is accepted a bonus token comes from the target ({@link DraftJudge}). Both KV caches are
 * then cut back to the accepted prefix. Greedy decoding compares argmaxes instead (of {@code p̂}
 * computed at temperature 1 when {@code η > 0}), so at {@code η = 0} the output is the target's own
 * greedy output.
 *
 * <p>Invariant between rounds: every committed token is either in a sequence's KV cache or in its
 * pending list; the newest token is always pending, because its logits are what the next round
 * needs.
 */
public final class SpeculativeDecoder {
  static final int MAX_CATCH_UP = 16;
  private final RapidSettings settings;
  private final SamplingPolicy policy;
  private final Set<Integer> stopTokens;
  private final SpeculationMemory memory;

  /** A decoder whose gate starts cold in every generation. */
  public SpeculativeDecoder(
      RapidSettings settings, SamplingPolicy policy, Set<Integer> stopTokens) {
    this(settings, policy, stopTokens, null);
  }

  /**
   * A decoder whose gate starts from, and leaves its experience in, {@code memory} (one per
   * target–drafter pair; null: start cold every time).
   */
  public SpeculativeDecoder(
      RapidSettings settings,
      SamplingPolicy policy,
      Set<Integer> stopTokens,
      SpeculationMemory memory) {
    this.settings = settings;
    this.policy = policy;
    this.stopTokens = Set.copyOf(stopTokens);
    this.memory = memory;
  }

  /** The outcome: generated tokens, why generation stopped, and what speculation did. */
  public record Result(int[] tokens, StopReason stopReason, SpeculationStats stats) {}

  /**
   * Generates up to {@code maxTokens} tokens after the prompts. Each sequence is empty or already
   * holds a prefix of its prompt shorter than the prompt (the pages a prefix cache handed it,
   * {@code CachedPrefill.adopt}); only the rest is prefilled.
   *
   * @param targetPrompt the long context (all retrieved passages or the whole document)
   * @param draftPrompt the short context (the retrieved/compressed evidence), same question
   */
  public Result generate(
      Sequence target,
      int[] targetPrompt,
      Sequence drafter,
      int[] draftPrompt,
      int maxTokens,
      TokenSink sink) {
    if (targetPrompt.length == 0 || draftPrompt.length == 0) {
      throw new IllegalArgumentException("both prompts need at least one token (e.g. BOS)");
    }
    if (target.length() >= targetPrompt.length || drafter.length() >= draftPrompt.length) {
      throw new IllegalArgumentException(
          "speculative decoding starts from sequences holding less than their prompts: the target"
              + " holds "
              + target.length()
              + " of "
              + targetPrompt.length
              + ", the drafter "
              + drafter.length()
              + " of "
              + draftPrompt.length);
    }
    if (target.vocabularySize() != drafter.vocabularySize()) {
      throw new IllegalArgumentException(
          "drafter and target must share a tokenizer: vocabularies of "
              + drafter.vocabularySize()
              + " and "
              + target.vocabularySize()
              + " tokens");
    }
    if (targetPrompt.length >= target.capacity()) {
      throw new IllegalArgumentException(
          "the prompt of "
              + targetPrompt.length
              + " tokens does not fit the target's context of "
              + target.capacity());
    }
    return new Run(target, targetPrompt, drafter, draftPrompt, maxTokens, sink).run();
  }

  /** The state of one generation. */
  private final class Run {
    private final Sequence target;
    private final Sequence drafter;
    private final int maxTokens;
    private final TokenSink sink;
    private final int vocab;
    private final DraftJudge judge;
    private final SpeculationGate gate;
    private final SpeculationMemory.Key memoryKey; // null: nothing to recall or remember
    private final IntList targetHistory; // prompt + generated, for repetition penalties
    private final IntList draftHistory;
    private final IntList targetPending = new IntList();
    private final IntList draftPending = new IntList();
    private final IntList out = new IntList();
    private int rounds;
    private int drafted;
    private int accepted;
    private int plainSteps;
    private long draftNanos;
    private long verifyNanos;
    private long plainNanos;
    private int lastGamma;
    private StopReason stop;

    Run(Sequence target, int[] tp, Sequence drafter, int[] dp, int maxTokens, TokenSink sink) {
      this.target = target;
      this.drafter = drafter;
      this.maxTokens = maxTokens;
      this.sink = sink;
      this.vocab = target.vocabularySize();
      this.judge = new DraftJudge(settings, policy, vocab);
      this.memoryKey =
          memory != null && settings.adaptive()
              ? SpeculationMemory.key(settings, policy.greedy(), tp.length)
              : null;
      this.gate =
          new SpeculationGate(
              settings.gamma(),
              settings.adaptive(),
              memoryKey == null ? null : memory.recall(memoryKey));
      this.targetHistory = IntList.of(tp);
      this.draftHistory = IntList.of(dp);
      // Prefill all but the last prompt token, in the engine's chunks, after what a prefix cache
      // already supplied; the last one is pending (its logits start decoding).
      if (tp.length - 1 > target.length()) {
        Decoding.prefill(target, tp, target.length(), tp.length - 1);
      }
      targetPending.add(tp[tp.length - 1]);
      if (dp.length - 1 > drafter.length()) {
        Decoding.prefill(drafter, dp, drafter.length(), dp.length - 1);
      }
      draftPending.add(dp[dp.length - 1]);
    }

    Result run() {
      while (stop == null) {
        int room = target.capacity() - target.length() - targetPending.size();
        if (room < 0) {
          stop = StopReason.CONTEXT_FULL;
          break;
        }
        int draftRoom = drafter.capacity() - drafter.length() - draftPending.size();
        int gamma = Math.min(gate.nextGamma(), Math.min(maxTokens - out.size() - 1, room));
        gamma = Math.min(gamma, draftRoom);
        if (gamma <= 0) {
          plainStep();
        } else {
          round(gamma);
        }
      }
      if (memoryKey != null) {
        memory.remember(memoryKey, gate.state());
      }
      SpeculationStats stats =
          new SpeculationStats(
              rounds,
              drafted,
              accepted,
              plainSteps,
              out.size(),
              draftNanos,
              verifyNanos,
              plainNanos,
              gate.offDecisions(),
              lastGamma,
              gate.probes(),
              gate.recalled());
      return new Result(out.toArray(), stop, stats);
    }

    /** One token from the target alone; the drafter catches up lazily. */
    private void plainStep() {
      long t0 = System.nanoTime();
      float[] logits = target.forward(targetPending.drain(), false);
      int token = judge.pick(logits, 0, targetHistory);
      long t = System.nanoTime() - t0;
      plainNanos += t;
      plainSteps++;
      gate.recordPlain(t);
      commit(token);
    }

    /** Draft up to {@code gamma} tokens, verify them in one target pass, keep the agreed prefix. */
    private void round(int gamma) {
      lastGamma = gamma;
      int targetBase = target.length();
      int draftBase = drafter.length();
      // After a plain stretch the drafter reads only the newest tokens: catching up on all of them
      // would cost about as much as decoding them again where a batched forward is compute-bound
      // (CPUs). It only drafts, so a gap in what it has read cannot change what the target accepts
      // at η = 0; it is one more way its context is shorter than the target's.
      draftPending.keepLast(MAX_CATCH_UP);
      int draftPendingCount = draftPending.size();

      long t0 = System.nanoTime();
      int[] drafts = new int[gamma];
      float[][] q = new float[gamma][];
      float[] logits = drafter.forward(draftPending.drain(), false);
      int g = 0;
      while (true) {
        int x;
        if (policy.greedy()) {
          x = Sampler.argmax(logits, 0, vocab);
          q[g] = settings.eta() > 0 ? RapidMath.softmax(logits, 0, vocab) : null;
        } else {
          q[g] = policy.probabilities(logits, 0, vocab, draftHistory.raw(), draftHistory.size());
          x = RapidMath.draw(q[g], policy.random());
        }
        drafts[g++] = x;
        draftHistory.add(x);
        if (g == gamma || stopTokens.contains(x)) {
          break;
        }
        logits = drafter.forward(new int[] {x}, false);
      }
      long t1 = System.nanoTime();

      int pendingCount = targetPending.size();
      int[] verifyInput = new int[pendingCount + g];
      System.arraycopy(targetPending.drain(), 0, verifyInput, 0, pendingCount);
      System.arraycopy(drafts, 0, verifyInput, pendingCount, g);
      float[] p = target.forward(verifyInput, true);
      long t2 = System.nanoTime();

      int n = 0; // accepted drafts
      int next = -1; // the replacement or bonus token; -1 when the accepted drafts end in a stop
      for (; n < g; n++) {
        int replacement =
            judge.judge(p, (pendingCount - 1 + n) * vocab, q[n], drafts[n], targetHistory);
        if (replacement != DraftJudge.ACCEPTED) {
          next = replacement;
          break;
        }
        targetHistory.add(drafts[n]);
      }
      if (n == g && !stopTokens.contains(drafts[g - 1])) {
        next = judge.pick(p, (pendingCount - 1 + g) * vocab, targetHistory);
      }
      draftHistory.truncate(draftHistory.size() - (g - n)); // forget the rejected drafts

      rounds++;
      drafted += g;
      accepted += n;
      draftNanos += t1 - t0;
      verifyNanos += t2 - t1;
      gate.recordRound(g, n, draftPendingCount + g - 1, t1 - t0, t2 - t1);

      // Cut both caches back to the accepted prefix; what a sequence has not seen becomes pending.
      target.truncate(targetBase + pendingCount + n);
      int draftSeen = Math.min(n, g - 1);
      drafter.truncate(draftBase + draftPendingCount + draftSeen);
      for (int i = draftSeen; i < n; i++) {
        draftPending.add(drafts[i]);
      }
      for (int i = 0; i < n && stop == null; i++) {
        emit(drafts[i]);
      }
      if (stop == null && next >= 0) {
        commit(next);
      }
    }

    /** A token that ends the round: pending in both sequences. */
    private void commit(int token) {
      targetPending.add(token);
      draftPending.add(token);
      targetHistory.add(token);
      draftHistory.add(token);
      emit(token);
    }

    /** Hands a token to the caller and decides whether to go on. */
    private void emit(int token) {
      out.add(token);
      if (stopTokens.contains(token)) {
        stop = StopReason.EOS;
      } else if (!sink.accept(token)) {
        stop = StopReason.STOP_STRING;
      } else if (out.size() >= maxTokens) {
        stop = StopReason.MAX_TOKENS;
      }
    }
  }
}
