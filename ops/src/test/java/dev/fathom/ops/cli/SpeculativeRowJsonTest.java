package dev.fathom.ops.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.fathom.ops.bench.SpeculativeRow;
import dev.fathom.ops.bench.SpeculativeRows;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-row JSON of {@code fathom bench speculative}: the fields computed, not measured. */
class SpeculativeRowJsonTest {

  private static SpeculativeRow row(long verifyNanos, int offs, int plainSteps) {
    return SpeculativeRows.tenTokens(verifyNanos, offs, plainSteps);
  }

  private static final SpeculativeRowJson RUN =
      new SpeculativeRowJson(5, 10, false, "stories", 0f, 2, "t.gguf", "d.gguf", 448, 48);

  @Test
  void theGateIsDescribedInWords() {
    assertEquals("on throughout", SpeculativeRowJson.gate(row(1, 0, 0)));
    assertEquals("off 1×, 1 probes (30% of tokens drafted)", SpeculativeRowJson.gate(row(1, 1, 7)));
  }

  @Test
  void aRowHasTheDocumentedFieldsRoundedAndTheRunAfterTheMeasurements() {
    Map<String, Object> m = RUN.of(row(120_000_000L, 1, 7));
    assertEquals(
        List.of("eta", "acceptance", "mean_accepted", "plain_tok_s", "spec_tok_s", "speedup"),
        List.copyOf(m.keySet()).subList(0, 6));
    assertEquals("threads", List.copyOf(m.keySet()).get(m.size() - 1));
    assertEquals(Math.round(500.0 / 180.0 * 1000) / 1000.0, m.get("speedup_if_all_accepted"));
    assertEquals(1.111, m.get("speedup"), "900 ms over 1000 ms, 3 digits");
    assertEquals(0.3, m.get("speculated_share"));
    assertEquals(1, m.get("probes"));
    assertEquals("off 1×, 1 probes (30% of tokens drafted)", m.get("gate"));
    assertEquals(448, m.get("target_context_tokens"));
    assertEquals("d.gguf", m.get("draft_model"));
  }
}
