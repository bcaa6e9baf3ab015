package dev.fathom.ops.cli;

import dev.fathom.answer.GenerationReport;
import dev.fathom.drafters.speculative.SpeculationStats;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a generation did, as the lines {@code generate} and {@code ask --model} print on stderr and
 * as the objects of their {@code --json} output.
 */
final class GenerationLines {

  private GenerationLines() {}

  /**
   * {@code {"prompt_tokens", "generated_tokens", "prefill_ms", "decode_ms", "prefill_tok_s",
   * "decode_tok_s"}}; with speculation, prefill is counted in decode (0 here).
   */
  static Map<String, Object> timings(GenerationReport g) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("prompt_tokens", g.promptTokens());
    m.put("generated_tokens", g.completionTokens());
    m.put("prefill_ms", g.prefillNanos() / 1e6);
    m.put("decode_ms", g.decodeNanos() / 1e6);
    m.put("prefill_tok_s", g.prefillTokensPerSecond());
    m.put("decode_tok_s", g.decodeTokensPerSecond());
    return m;
  }

  /**
   * {@link #speculation(SpeculationStats, boolean)} of the CLI's speculation, whose gate is always
   * adaptive ({@code EngineOptions.rapid()} has no fixed-γ option).
   */
  static Map<String, Object> speculation(SpeculationStats s) {
    return speculation(s, true);
  }

  /**
   * {@code {"rounds", "drafted", "accepted", "acceptance", "mean_accepted", "plain_steps",
   * "gate_off_decisions", "last_gamma", "draft_ms", "verify_ms", "plain_ms", "adaptive", "probes",
   * "recalled", "speculated_share", "gate"}}, or null without speculation. The last five are the
   * gate's decisions as {@code bench speculative} reports them ({@link GateSummary}).
   */
  static Map<String, Object> speculation(SpeculationStats s, boolean adaptive) {
    if (s == null) return null;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rounds", s.rounds());
    m.put("drafted", s.drafted());
    m.put("accepted", s.accepted());
    m.put("acceptance", s.acceptanceRate());
    m.put("mean_accepted", s.meanAccepted());
    m.put("plain_steps", s.plainSteps());
    m.put("gate_off_decisions", s.gateOffDecisions());
    m.put("last_gamma", s.lastGamma());
    m.put("draft_ms", s.draftNanos() / 1e6);
    m.put("verify_ms", s.verifyNanos() / 1e6);
    m.put("plain_ms", s.plainNanos() / 1e6);
    m.put("adaptive", adaptive);
    m.put("probes", s.probes());
    m.put("recalled", s.recalled());
    m.put("speculated_share", GateSummary.speculatedShare(s));
    m.put("gate", GateSummary.describe(adaptive, s));
    return m;
  }

  /**
   * {@code 5 prompt tokens, prefill 812.3 tok/s; 16 tokens, decode 95.1 tok/s; stop: max_tokens}.
   */
  static String speedLine(GenerationReport g) {
    String prefill =
        g.prefillNanos() == 0
            ? "prefill in decode"
            : String.format(Locale.ROOT, "prefill %.1f tok/s", g.prefillTokensPerSecond());
    return String.format(
        Locale.ROOT,
        "%d prompt tokens, %s; %d tokens, decode %.1f tok/s; stop: %s",
        g.promptTokens(),
        prefill,
        g.completionTokens(),
        g.decodeTokensPerSecond(),
        g.stopReasonName());
  }

  /** {@code speculation: 34/40 drafts accepted (85%), 3.40 per round, 10 rounds, …}. */
  static String speculationLine(SpeculationStats s) {
    return String.format(
        Locale.ROOT,
        "speculation: %d/%d drafts accepted (%.0f%%), %.2f per round, %d rounds, %d plain steps,"
            + " gate off %d times, last gamma %d",
        s.accepted(),
        s.drafted(),
        100 * s.acceptanceRate(),
        s.meanAccepted(),
        s.rounds(),
        s.plainSteps(),
        s.gateOffDecisions(),
        s.lastGamma());
  }
}
