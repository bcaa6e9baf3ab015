package dev.fathom.actors;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.rank.Ranker;
import dev.fathom.retrieval.rank.RankerKind;
import dev.fathom.retrieval.rank.Ranking;
import java.util.EnumMap;
import java.util.List;
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

  /**
   * A copy that runs {@code ranker} for its kind. The ranker must be safe to call from as many
   * threads as the ranking stage has routees; {@link #with(Ranker, Object)} serialises one that is
   * not.
   */
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

  /**
   * A copy that runs {@code ranker} for its kind, one call at a time under {@code lock}: rankers
   * are called from one thread at a time, and a ranker that calls a language model must also wait
   * for the answerer using the same model (which locks on the model, see {@code
   * GenerativeAnswerer}).
   */
  public Rankers with(Ranker ranker, Object lock) {
    Objects.requireNonNull(ranker, "ranker");
    Objects.requireNonNull(lock, "lock");
    return with(
        new Ranker() {
          @Override
          public RankerKind kind() {
            return ranker.kind();
          }

          @Override
          public Ranking rank(String question, List<Hit> candidates) {
            synchronized (lock) {
              return ranker.rank(question, candidates);
            }
          }
        });
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
