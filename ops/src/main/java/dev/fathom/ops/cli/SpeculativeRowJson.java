package dev.fathom.ops.cli;

import dev.fathom.ops.bench.SpeculativeRow;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of {@code fathom bench speculative} as its documented JSON object (docs/commands.md): the
 * row's measurements, then the run that produced them.
 *
 * @param prompts prompts per row
 * @param passes pairs of runs per prompt
 * @param coldGate whether every speculative run started with a cold gate
 * @param workload {@code stories} or {@code ids}
 * @param temperature sampling temperature
 * @param threads compute threads
 * @param model the target's name
 * @param draftModel the drafter's name
 * @param targetContextTokens mean tokens the target reads
 * @param draftContextTokens mean tokens the drafter reads
 */
record SpeculativeRowJson(
    int prompts,
    int passes,
    boolean coldGate,
    String workload,
    float temperature,
    int threads,
    String model,
    String draftModel,
    int targetContextTokens,
    int draftContextTokens) {

  Map<String, Object> of(SpeculativeRow r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("eta", (double) r.rapid().eta());
    m.put("acceptance", round(r.acceptance(), 3));
    m.put("mean_accepted", round(r.meanAccepted(), 2));
    m.put("plain_tok_s", round(r.plainTokensPerSecond(), 1));
    m.put("spec_tok_s", round(r.specTokensPerSecond(), 1));
    m.put("speedup", round(r.speedup(), 3));
    m.put("speedup_median", round(r.medianSpeedup(), 3));
    m.put("speedup_p25", round(r.quartileSpeedup(0.25), 3));
    m.put("speedup_p75", round(r.quartileSpeedup(0.75), 3));
    m.put("speedup_worst_prompt", round(r.worstSpeedup(), 3));
    m.put("speedup_best_prompt", round(r.bestSpeedup(), 3));
    m.put("cpu_speedup_median", round(r.medianCpuSpeedup(), 3));
    m.put("speedup_if_all_accepted", round(r.speedupIfAllAccepted(), 3));
    m.put("gamma", r.rapid().gamma());
    m.put("adaptive", r.rapid().adaptive());
    m.put("drafted", r.drafted());
    m.put("accepted", r.accepted());
    m.put("rounds", r.rounds());
    m.put("plain_steps", r.plainSteps());
    m.put("gate_off_decisions", r.gateOffDecisions());
    m.put("probes", r.probes());
    m.put("recalled", r.recalled());
    m.put("speculated_share", round(r.speculatedShare(), 3));
    m.put("gate", gate(r));
    m.put("draft_ms", round(r.draftNanos() / 1e6, 1));
    m.put("verify_ms", round(r.verifyNanos() / 1e6, 1));
    m.put("plain_step_ms", round(r.plainStepNanos() / 1e6, 1));
    m.put("plain_ms", round(r.plainNanos() / 1e6, 1));
    m.put("spec_ms", round(r.specNanos() / 1e6, 1));
    m.put("identical_to_plain", r.identical());
    m.put("prompts", prompts);
    m.put("passes", passes);
    m.put("pairs", r.pairs());
    m.put("cold_gate", coldGate);
    m.put("workload", workload);
    m.put("tokens", r.tokens());
    m.put("target_context_tokens", targetContextTokens);
    m.put("draft_context_tokens", draftContextTokens);
    m.put("temperature", (double) temperature);
    m.put("model", model);
    m.put("draft_model", draftModel);
    m.put("threads", threads);
    return m;
  }

  /** {@link GateSummary#describe} of a row (all its speculative runs together). */
  static String gate(SpeculativeRow r) {
    return GateSummary.describe(
        r.rapid().adaptive(), r.rounds(), r.gateOffDecisions(), r.probes(), r.speculatedShare());
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
