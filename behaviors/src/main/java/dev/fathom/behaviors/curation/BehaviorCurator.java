package dev.fathom.behaviors.curation;

import dev.fathom.behaviors.curation.BehaviorListParser.Parsed;
import dev.fathom.behaviors.eval.BehaviorMetrics;
import dev.fathom.behaviors.handbook.Behavior;
import dev.fathom.behaviors.handbook.Handbook;
import dev.fathom.behaviors.handbook.Handbook.Change;
import dev.fathom.behaviors.handbook.Handbook.Outcome;
import dev.fathom.behaviors.trace.Trace;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns answer traces into handbook behaviors: the paper's curation pipeline (arXiv 2509.13237 §3,
 * solve → reflect → extract) run on one of Fathom's own answers, then a merge into the handbook.
 *
 * <p><b>Where it runs.</b> Never on an answer's critical path: curation costs two strategist
 * generations per trace. In serve mode a curator actor consumes {@code fathom.traces}, calls {@link
 * #curate} on its own dispatcher, and publishes each {@link Change#stored()} to {@code
 * fathom.behaviors} (key = name); on the CLI {@code fathom behaviors mine} calls it for the traces
 * in the data directory's {@code TraceStore}.
 *
 * <p><b>Failure.</b> {@link #curate} does not throw: output that parses to nothing, and a
 * strategist that fails (a server down, a prompt too long for a tiny model), give a {@link
 * Curation} with no behaviors and the reason, logged at INFO (parse) or WARN (failure).
 */
public final class BehaviorCurator {

  private static final Logger log = LoggerFactory.getLogger(BehaviorCurator.class);

  /**
   * What the strategist proposed for one trace.
   *
   * @param requestId the trace's request id
   * @param behaviors the behaviors parsed (provenance = the trace, topic = the trace's)
   * @param skipped why lines of the output were rejected
   * @param reflection the reflection step's text ("" on failure)
   * @param extraction the extraction step's raw text ("" on failure)
   * @param completionTokens tokens the strategist generated
   * @param failure why the strategist produced nothing, or null
   */
  public record Proposal(
      String requestId,
      List<Behavior> behaviors,
      List<String> skipped,
      String reflection,
      String extraction,
      int completionTokens,
      String failure) {
    public Proposal {
      behaviors = List.copyOf(behaviors);
      skipped = List.copyOf(skipped);
    }
  }

  /**
   * A proposal and what the handbook made of it.
   *
   * @param proposal what the strategist proposed
   * @param changes one per proposed behavior: added or merged, and the stored result
   */
  public record Curation(Proposal proposal, List<Change> changes) {
    public Curation {
      changes = List.copyOf(changes);
    }

    /** Behaviors new to the handbook. */
    public long added() {
      return changes.stream().filter(c -> c.outcome() == Outcome.ADDED).count();
    }
  }

  private final MetacognitiveStrategist strategist;
  private final Handbook handbook;
  private final BehaviorMetrics metrics;

  public BehaviorCurator(
      MetacognitiveStrategist strategist, Handbook handbook, BehaviorMetrics metrics) {
    this.strategist = Objects.requireNonNull(strategist, "strategist");
    this.handbook = Objects.requireNonNull(handbook, "handbook");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** Reflects on and extracts from {@code trace}, then merges the behaviors into the handbook. */
  public Curation curate(Trace trace) {
    Proposal p = propose(trace);
    List<Change> changes = handbook.addAll(p.behaviors());
    long merged = changes.stream().filter(c -> c.outcome() != Outcome.ADDED).count();
    metrics.merged(merged);
    log.info(
        "trace {}: {} behaviors proposed, {} added, {} merged",
        trace.requestId(),
        p.behaviors().size(),
        p.behaviors().size() - merged,
        merged);
    return new Curation(p, changes);
  }

  /**
   * Reflects on and extracts from {@code trace} without touching the handbook (self-improvement
   * uses the behaviors of one trace directly). Never throws.
   */
  public Proposal propose(Trace trace) {
    MetacognitiveStrategist.Output out;
    try {
      out = strategist.run(trace);
    } catch (RuntimeException e) {
      String why = "the strategist " + strategist.modelName() + " failed: " + e.getMessage();
      log.warn("trace {}: no behaviors; {}", trace.requestId(), why);
      return new Proposal(trace.requestId(), List.of(), List.of(), "", "", 0, why);
    }
    Parsed parsed = BehaviorListParser.parse(out.extraction());
    List<Behavior> behaviors =
        parsed.behaviors().stream()
            .map(
                c ->
                    new Behavior(
                        c.name(), c.instruction(), trace.topic(), List.of(trace.requestId()), 0))
            .toList();
    for (String reason : parsed.skipped()) {
      log.info("trace {}: strategist output skipped: {}", trace.requestId(), reason);
    }
    metrics.mined(behaviors.size());
    return new Proposal(
        trace.requestId(),
        behaviors,
        parsed.skipped(),
        out.reflection(),
        out.extraction(),
        out.completionTokens(),
        null);
  }
}
