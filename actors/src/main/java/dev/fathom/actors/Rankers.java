package dev.fathom.actors;

import dev.fathom.retrieval.rank.Ranker;
import dev.fathom.retrieval.rank.RankerKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The rankers a pipeline can run, by {@link RankerKind}, and for each one it cannot run the reason
 * (no language model loaded, no trained fusion model). {@code none} is always available.
 */
public final class Rankers {

  private final Map<RankerKind, Ranker> available = new EnumMap<>(RankerKind.class);
  private final Map<RankerKind, String> missing = new EnumMap<>(RankerKind.class);

  private Rankers() {
    available.put(RankerKind.NONE, Ranker.none());
  }

  /** Only {@code none}: every other kind is refused with {@code reason}. */
  public static Rankers none(String reason) {
    Rankers r = new Rankers();
    for (RankerKind k : RankerKind.values()) {
      if (k != RankerKind.NONE) r.missing.put(k, k.id() + " ranking is not available: " + reason);
    }
    return r;
  }

  /** Only {@code none}. */
  public static Rankers none() {
    return none("this pipeline was started without rankers");
  }

  /** A copy that runs {@code ranker} for its kind. */
  public Rankers with(Ranker ranker) {
    Objects.requireNonNull(ranker, "ranker");
    Rankers r = copy();
    r.available.put(ranker.kind(), ranker);
    r.missing.remove(ranker.kind());
    return r;
  }

  /** A copy that refuses {@code kind} with {@code reason} (a sentence naming what is missing). */
  public Rankers without(RankerKind kind, String reason) {
    if (kind == RankerKind.NONE) throw new IllegalArgumentException("none is always available");
    Rankers r = copy();
    r.available.remove(kind);
    r.missing.put(kind, Objects.requireNonNull(reason, "reason"));
    return r;
  }

  /** Whether {@code kind} can run. */
  public boolean has(RankerKind kind) {
    return available.containsKey(kind);
  }

  /**
   * The ranker of {@code kind}.
   *
   * @throws IllegalStateException saying why {@code kind} cannot run here
   */
  public Ranker get(RankerKind kind) {
    Ranker r = available.get(kind);
    if (r == null) {
      throw new IllegalStateException(
          missing.getOrDefault(kind, kind.id() + " ranking is not available"));
    }
    return r;
  }

  private Rankers copy() {
    Rankers r = new Rankers();
    r.available.putAll(available);
    r.missing.putAll(missing);
    return r;
  }
}
