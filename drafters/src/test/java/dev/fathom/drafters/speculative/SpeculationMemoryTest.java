package dev.fathom.drafters.speculative;

import static dev.fathom.drafters.speculative.SpeculationGateTest.slowdown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The gate carried across generations by a {@link SpeculationMemory}, on simulated costs as in
 * {@link SpeculationGateTest}: plain step {@code t1}, drafter position {@code td}, extra per
 * verified position {@code c}.
 */
class SpeculationMemoryTest {
  private static final SpeculationMemory.Key KEY =
      SpeculationMemory.key(RapidSettings.DEFAULTS, true, 466);

  /** One 64-token generation through {@code memory}, as the decoder runs it. */
  private static Outcome generate(
      SpeculationMemory memory, long t1, long td, long c, IntUnaryOperator accepted) {
    SpeculationGate gate = new SpeculationGate(10, true, memory.recall(KEY));
    int[] rounds = {0};
    double s =
        slowdown(
            gate,
            64,
            t1,
            td,
            c,
            g -> {
              rounds[0]++;
              return accepted.applyAsInt(g);
            });
    memory.remember(KEY, gate.state());
    return new Outcome(s, rounds[0], gate.probes(), gate.recalled(), gate.on());
  }

  private record Outcome(double slowdown, int rounds, int probes, boolean recalled, boolean on) {}

  @Test
  void afterAHopelessGenerationTheNextStartOffAndNeverRound() {
    // td + c = 150 ≥ t1 = 100: too costly at any acceptance.
    SpeculationMemory memory = new SpeculationMemory();
    Outcome first = generate(memory, 100, 60, 90, g -> g);
    assertFalse(first.recalled());
    assertEquals(1, first.rounds(), "the cold gate pays one round");
    for (int i = 0; i < 30; i++) {
      Outcome next = generate(memory, 100, 60, 90, g -> g);
      assertTrue(next.recalled());
      assertFalse(next.on());
      assertEquals(0, next.rounds(), "generation " + i + " starts off and stays off");
      assertEquals(1.0, next.slowdown(), 1e-12);
    }
  }

  @Test
  void aUselessCheapDrafterIsProbedOnlyOnTheDoublingScheduleAcrossGenerations() {
    // Cheap enough to pay if accepted (td + c = 15 < t1), but nothing is accepted.
    SpeculationMemory memory = new SpeculationMemory();
    int probes = 0;
    double time = 0;
    int generations = 40; // 2,560 tokens
    for (int i = 0; i < generations; i++) {
      Outcome o = generate(memory, 100, 10, 5, g -> 0);
      probes += o.probes();
      time += o.slowdown();
    }
    // 32 + 64 + ... + 1024 = 2,016 plain tokens: about 6 probes in 2,560 tokens, not one per
    // generation (40).
    assertTrue(probes <= 7, "probes: " + probes);
    assertTrue(time / generations <= 1.01, "mean slowdown " + time / generations);
  }

  @Test
  void aGoodDrafterSpeculatesFromTheFirstTokenOfTheNextGeneration() {
    SpeculationMemory memory = new SpeculationMemory();
    generate(memory, 100, 5, 2, g -> g);
    SpeculationGate next = new SpeculationGate(10, true, memory.recall(KEY));
    assertTrue(next.recalled());
    int plain = 0;
    while (next.nextGamma() == 0 && plain < 5) {
      next.recordPlain(100); // at most the control step the stretch was due
      plain++;
    }
    assertTrue(plain <= 1, "no warm-up: " + plain + " plain steps");
    assertEquals(10, next.nextGamma(), "no single-token first round");
  }

  @Test
  void aLongerContextStartsColdAndProbes() {
    SpeculationMemory memory = new SpeculationMemory();
    generate(memory, 100, 60, 90, g -> g);
    SpeculationMemory.Key longer = SpeculationMemory.key(RapidSettings.DEFAULTS, true, 2 * 466);
    assertNull(memory.recall(longer), "twice the context is another bucket");
    assertNotNull(memory.recall(SpeculationMemory.key(RapidSettings.DEFAULTS, true, 300)));
    assertEquals(8, SpeculationMemory.contextBucket(256));
    assertEquals(8, SpeculationMemory.contextBucket(511));
    assertEquals(9, SpeculationMemory.contextBucket(512));
    SpeculationGate cold = new SpeculationGate(10, true, memory.recall(longer));
    for (int i = 0; i < SpeculationGate.WARMUP; i++) {
      cold.recordPlain(300);
    }
    assertEquals(SpeculationGate.FIRST_GAMMA, cold.nextGamma());
  }

  @Test
  void otherSettingsAndSampledDecodingKeepTheirOwnExperience() {
    SpeculationMemory memory = new SpeculationMemory();
    generate(memory, 100, 60, 90, g -> g);
    assertNull(memory.recall(SpeculationMemory.key(RapidSettings.DEFAULTS, false, 466)));
    assertNull(memory.recall(SpeculationMemory.key(RapidSettings.DEFAULTS.withEta(10), true, 466)));
  }

  @Test
  void growingPlainStepsBringAProbeButOneSlowStepDoesNot() {
    SpeculationMemory memory = new SpeculationMemory();
    generate(memory, 100, 60, 90, g -> g);
    SpeculationGate gate = new SpeculationGate(10, true, memory.recall(KEY));
    gate.recordPlain(1000); // one descheduled step: ten times slower
    for (int i = 0; i < 2000; i++) {
      assertEquals(0, gate.nextGamma(), "no probe at an unchanged cost, step " + i);
      gate.recordPlain(100);
    }
    for (int i = 0; i < 40; i++) {
      gate.recordPlain(200); // the context grew: plain steps twice as slow
    }
    assertTrue(gate.nextGamma() > 0, "probes again once plain steps are slower");
  }

  @Test
  void nothingJudgedNothingRemembered() {
    SpeculationMemory memory = new SpeculationMemory();
    SpeculationGate gate = new SpeculationGate(10, true);
    gate.recordPlain(100);
    assertNull(gate.state(), "no round judged yet");
    memory.remember(KEY, gate.state());
    assertEquals(0, memory.size());
    assertNull(new SpeculationGate(10, false).state(), "a fixed γ learns nothing to keep");
  }

  @Test
  void theMemoryIsBoundedLeastRecentlyUsedFirstOut() {
    SpeculationMemory memory = new SpeculationMemory();
    generate(memory, 100, 60, 90, g -> g);
    SpeculationGate.State s = memory.recall(KEY);
    for (int i = 0; i < SpeculationMemory.CAPACITY + 10; i++) {
      memory.remember(SpeculationMemory.key(RapidSettings.DEFAULTS.withEta(1 + i), true, 466), s);
    }
    assertEquals(SpeculationMemory.CAPACITY, memory.size());
    assertNull(memory.recall(KEY), "the oldest entry went first");
  }
}
