package dev.fathom.behaviors.eval;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of the behavior loop, for {@code /metrics}: behaviors mined (parsed from the
 * strategist's output), merged (of those, folded into an existing behavior rather than added),
 * offered (put in answer prompts) and cited (named by the answers they were offered to). One
 * instance per process, shared by the curator and the library; thread-safe.
 */
public final class BehaviorMetrics {

  /**
   * A snapshot.
   *
   * @param mined behaviors the strategist proposed
   * @param merged proposals folded into an existing behavior
   * @param offered behaviors put in answer prompts (counted once per prompt)
   * @param cited offered behaviors the answer named
   */
  public record Counts(long mined, long merged, long offered, long cited) {
    /** Cited ÷ offered, 0 when nothing was offered. */
    public double citationRate() {
      return offered == 0 ? 0 : (double) cited / offered;
    }
  }

  private final AtomicLong mined = new AtomicLong();
  private final AtomicLong merged = new AtomicLong();
  private final AtomicLong offered = new AtomicLong();
  private final AtomicLong cited = new AtomicLong();

  public void mined(long n) {
    mined.addAndGet(n);
  }

  public void merged(long n) {
    merged.addAndGet(n);
  }

  public void offered(long n) {
    offered.addAndGet(n);
  }

  public void cited(long n) {
    cited.addAndGet(n);
  }

  public Counts snapshot() {
    return new Counts(mined.get(), merged.get(), offered.get(), cited.get());
  }
}
