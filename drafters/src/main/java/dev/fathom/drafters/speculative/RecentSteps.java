package dev.fathom.drafters.speculative;

import java.util.Arrays;

/**
 * The times of the last {@link #WINDOW} plain decoding steps, and their median: the gate's {@code
 * t_1}.
 *
 * <p>A median, not a moving average: on a shared machine one descheduled step can take ten times as
 * long as the rest, and an average with weight 0.3 on the newest step then claims for several steps
 * that plain decoding is three times slower than it is — long enough for the gate to decide that
 * speculation pays and to switch it on where it costs. A median of 15 ignores up to 7 such steps
 * and still follows a real change (a context that grew) within 8 steps.
 */
final class RecentSteps {
  static final int WINDOW = 15;
  private final long[] times;
  private int count; // steps recorded in total

  RecentSteps() {
    this(new long[WINDOW], 0);
  }

  private RecentSteps(long[] times, int count) {
    this.times = times;
    this.count = count;
  }

  void add(long nanos) {
    times[count % WINDOW] = nanos;
    count++;
  }

  /** The median of the recorded steps, NaN before the first. */
  double median() {
    int n = Math.min(count, WINDOW);
    if (n == 0) {
      return Double.NaN;
    }
    long[] v = Arrays.copyOf(times, n);
    Arrays.sort(v);
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
  }

  RecentSteps copy() {
    return new RecentSteps(times.clone(), count);
  }
}
