package dev.fathom.drafters.speculative;

/**
 * Settings of retrieval-augmented speculative decoding (RAPID, Chen et al., arXiv 2502.20330).
 *
 * @param gamma most draft tokens per round (γ; the paper's code uses 10). With {@code adaptive},
 *     the gate picks γ between 1 and this.
 * @param eta η of RAPID eq. 6: how far the target distribution is pulled toward the drafter's
 *     ({@code p̂ = softmax(z_p + η·m⊙(q − p))}); 0 is standard speculative sampling (lossless). The
 *     paper uses 10–20 for self-speculation.
 * @param alpha α: only tokens with {@code q ≥ α·max q} are pulled ({@code m}); the paper's 0.1
 * @param residual the rule after a rejection
 * @param adaptive let the {@link SpeculationGate} adapt γ and switch speculation off when it would
 *     be slower than plain decoding; false fixes γ (for tests and measurements)
 */
public record RapidSettings(
    int gamma, float eta, float alpha, ResidualRule residual, boolean adaptive) {
  public static final RapidSettings DEFAULTS =
      new RapidSettings(10, 0f, 0.1f, ResidualRule.PAPER_CODE, true);

  public RapidSettings {
    if (gamma < 1 || gamma > 64) {
      throw new IllegalArgumentException("gamma must be 1..64, got " + gamma);
    }
    if (!(eta >= 0f && eta <= 1000f)) {
      throw new IllegalArgumentException("eta must be 0..1000, got " + eta);
    }
    if (!(alpha >= 0f && alpha <= 1f)) {
      throw new IllegalArgumentException("alpha must be 0..1, got " + alpha);
    }
    if (residual == null) {
      throw new IllegalArgumentException("residual rule must be given (TEXTBOOK or PAPER_CODE)");
    }
  }

  public RapidSettings withGamma(int g) {
    return new RapidSettings(g, eta, alpha, residual, adaptive);
  }

  public RapidSettings withEta(float e) {
    return new RapidSettings(gamma, e, alpha, residual, adaptive);
  }

  public RapidSettings withAdaptive(boolean a) {
    return new RapidSettings(gamma, eta, alpha, residual, a);
  }

  public RapidSettings withResidual(ResidualRule r) {
    return new RapidSettings(gamma, eta, alpha, r, adaptive);
  }
}
