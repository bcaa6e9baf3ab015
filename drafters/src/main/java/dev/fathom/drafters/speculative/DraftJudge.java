package dev.fathom.drafters.speculative;

import dev.fathom.drafters.sampling.Sampler;

/**
 * RAPID's verification rule for one draft (Chen et al., arXiv 2502.20330, §3.2 and Algorithm 1):
 * accept draft {@code x} with probability {@code min(1, p̂(x)/q(x))}, where {@code p̂} is the
 * target's distribution pulled toward the drafter's ({@link RapidMath#augment}, RAPID eq. 6; at
 * {@code η = 0} it is the target's own), else replace it by a draw from the {@link ResidualRule
 * residual}. Greedy decoding compares argmaxes instead (of {@code p̂} computed at temperature 1
 * when {@code η > 0}), so at {@code η = 0} the output is the target's own greedy output.
 */
final class DraftJudge {
  /** {@link #judge}'s answer for an accepted draft (never a token id). */
  static final int ACCEPTED = -1;

  private final RapidSettings settings;
  private final SamplingPolicy policy;
  private final int vocab;

  DraftJudge(RapidSettings settings, SamplingPolicy policy, int vocab) {
    this.settings = settings;
    this.policy = policy;
    this.vocab = vocab;
  }

  /**
   * Judges draft {@code x} against the target's logits row at {@code row}: {@link #ACCEPTED}, or
   * the token that replaces it.
   *
   * @param q the drafter's distribution at that position (null when greedy at {@code η = 0})
   * @param history the target's tokens before the position, for a repetition penalty
   */
  int judge(float[] logits, int row, float[] q, int x, IntList history) {
    if (policy.greedy()) {
      int choice =
          settings.eta() == 0f
              ? Sampler.argmax(logits, row, vocab)
              : Sampler.argmax(
                  RapidMath.augment(
                      RapidMath.softmax(logits, row, vocab), q, settings.eta(), settings.alpha()),
                  0,
                  vocab);
      return choice == x ? ACCEPTED : choice;
    }
    float[] pt = policy.probabilities(logits, row, vocab, history.raw(), history.size());
    float[] pHat = RapidMath.augment(pt, q, settings.eta(), settings.alpha());
    if (policy.random().nextDouble() <= pHat[x] / q[x]) {
      return ACCEPTED;
    }
    float[] residual = RapidMath.residual(pt, pHat, q, settings.residual());
    return RapidMath.draw(residual != null ? residual : pHat, policy.random());
  }

  /** The target's own choice at a logits row (a plain step, a bonus token). */
  int pick(float[] logits, int off, IntList history) {
    if (policy.greedy()) {
      return Sampler.argmax(logits, off, vocab);
    }
    return policy.sample(logits, off, vocab, history.raw(), history.size());
  }
}
