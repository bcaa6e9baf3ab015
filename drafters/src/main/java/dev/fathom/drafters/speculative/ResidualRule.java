package dev.fathom.drafters.speculative;

/**
 * What to sample from after the first rejected draft token.
 *
 * <p>Speculative sampling (Leviathan et al. 2023, Chen et al. 2023) accepts a draft token {@code x
 * ~ q} with probability {@code min(1, p(x)/q(x))} and on rejection samples from {@code norm(max(0,
 * p − q))}; that pair makes the output distributed exactly as {@code p}. RAPID replaces {@code p}
 * by its retrieval-augmented {@code p̂}. With {@code η = 0}, {@code p̂ = p} and both rules below
 * coincide.
 */
public enum ResidualRule {
  /**
   * {@code norm(max(0, p̂ − q))}: the textbook rule for target {@code p̂}; output follows {@code
   * p̂}.
   */
  TEXTBOOK,
  /**
   * {@code norm(max(0, max(p − q, p − p̂)))}: what RAPID's official code does ({@code
   * src/utils.py}, {@code _speculative_sampling}); mixes the plain target back in after a
   * rejection. Use it to reproduce the paper's numbers.
   */
  PAPER_CODE
}
