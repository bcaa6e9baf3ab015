package dev.fathom.drafters.lm;

import java.util.List;
import java.util.Objects;

/**
 * Watches generated text for stop strings, piece by piece. {@link #accept} returns the text that is
 * safe to show now: it holds back the longest tail that could still grow into a stop string (so
 * "Obs" waits when "Observation:" is a stop string), and a lone high surrogate, so that a listener
 * never receives half a character. On a match the text before the stop string is released and the
 * stop string and everything after it are dropped; later pieces are ignored. {@link #flush}
 * releases what is held back once generation ends without a match.
 *
 * <p>When stop strings overlap, the one that starts first wins. Not thread-safe: one per
 * generation.
 */
public final class StopStrings {

  private final List<String> stops;
  private final int longest;
  private final StringBuilder pending = new StringBuilder();
  private String matched;

  /**
   * @param stops the stop strings, none empty (an empty list never matches and holds nothing back)
   */
  public StopStrings(List<String> stops) {
    this.stops = List.copyOf(Objects.requireNonNull(stops, "stops"));
    int max = 0;
    for (String s : this.stops) {
      if (s.isEmpty()) {
        throw new IllegalArgumentException("stop strings must not be empty");
      }
      max = Math.max(max, s.length());
    }
    this.longest = max;
  }

  /**
   * Takes the next piece of generated text and returns what may be emitted now ({@code ""} when
   * everything is held back or a stop string has already matched).
   */
  public String accept(String piece) {
    if (matched != null || piece.isEmpty()) {
      return "";
    }
    // Only the held-back tail is re-scanned, so a search never starts before it.
    pending.append(piece);
    int at = Integer.MAX_VALUE;
    for (String s : stops) {
      int i = pending.indexOf(s);
      if (i >= 0 && i < at) {
        at = i;
        matched = s;
      }
    }
    if (matched != null) {
      String out = pending.substring(0, at);
      pending.setLength(0);
      return out;
    }
    int keep = heldBack();
    String out = pending.substring(0, pending.length() - keep);
    pending.delete(0, pending.length() - keep);
    return out;
  }

  /** Whether a stop string has matched. */
  public boolean matched() {
    return matched != null;
  }

  /** The stop string that matched, or null. */
  public String matchedStop() {
    return matched;
  }

  /** Releases the held-back text at the end of generation ({@code ""} after a match). */
  public String flush() {
    String out = pending.toString();
    pending.setLength(0);
    return out;
  }

  /** Length of the longest tail of {@code pending} that is a proper prefix of a stop string. */
  private int heldBack() {
    int len = pending.length();
    int keep = 0;
    for (int k = Math.min(len, longest - 1); k > 0 && keep == 0; k--) {
      for (String s : stops) {
        if (k < s.length() && startsWithTail(s, k)) {
          keep = k;
          break;
        }
      }
    }
    // Never split a surrogate pair between what is released and what is held.
    if (keep < len && Character.isHighSurrogate(pending.charAt(len - keep - 1))) {
      keep++;
    }
    return keep;
  }

  private boolean startsWithTail(String stop, int k) {
    int from = pending.length() - k;
    for (int i = 0; i < k; i++) {
      if (pending.charAt(from + i) != stop.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
