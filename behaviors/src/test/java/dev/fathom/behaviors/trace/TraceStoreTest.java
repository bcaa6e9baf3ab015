package dev.fathom.behaviors.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceStoreTest {

  static Trace trace(String id) {
    return new Trace(
        id,
        Instant.parse("2026-12-01T13:50:40.123Z"),
        "scripted",
        "When did the war end?",
        "history",
        List.of(
            new Trace.Source(1, "War", "The war ended in 1871."), new Trace.Source(2, "B", "x")),
        "It ended in 1871 [1]. (behavior_cite_dates)",
        List.of(1),
        40,
        9,
        List.of("behavior_cite_dates", "behavior_other"),
        List.of("behavior_cite_dates"),
        null);
  }

  @Test
  void jsonIsStableAndRoundTrips() {
    Trace t = trace("req-1");
    String json = TraceJson.write(t);
    assertEquals(
        "{\"requestId\":\"req-1\",\"time\":\"2026-12-01T13:50:40.123Z\",\"model\":\"scripted\","
            + "\"question\":\"When did the war end?\",\"topic\":\"history\",\"evidence\":["
            + "{\"number\":1,\"title\":\"War\",\"text\":\"The war ended in 1871.\"},"
            + "{\"number\":2,\"title\":\"B\",\"text\":\"x\"}],"
            + "\"text\":\"It ended in 1871 [1]. (behavior_cite_dates)\",\"citations\":[1],"
            + "\"promptTokens\":40,\"completionTokens\":9,"
            + "\"behaviorsOffered\":[\"behavior_cite_dates\",\"behavior_other\"],"
            + "\"behaviorsCited\":[\"behavior_cite_dates\"]}",
        json);
    assertEquals(t, TraceJson.readTrace(json));
    Trace withFeedback = t.withFeedback(new Feedback(2, false, "the war ended in 1871, not 1870"));
    assertEquals(withFeedback, TraceJson.readTrace(TraceJson.write(withFeedback)));
  }

  @Test
  void invalidTracesAreRejectedNamingTheValue() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TraceJson.readTrace(TraceJson.write(trace("r")).replace("[1]", "[3]")));
    assertTrue(e.getMessage().contains("cites [3]; legal are 1..2"), e.getMessage());
    var f = assertThrows(IllegalArgumentException.class, () -> new Feedback(9, null, null));
    assertTrue(f.getMessage().contains("1..5, got 9"), f.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Feedback(null, null, " "));
    assertThrows(IllegalArgumentException.class, () -> TraceJson.readTrace("{not json"));
  }

  @Test
  void appendsAndAttachesFeedbackLaterByRequestId(@TempDir Path dir) {
    TraceStore store = TraceStore.open(dir);
    store.append(trace("a"));
    store.append(trace("b"));
    store.attachFeedback("b", new Feedback(1, false, "wrong year"));
    store.attachFeedback("b", new Feedback(5, true, null));
    List<Trace> all = TraceStore.open(dir).readAll();
    assertEquals(List.of("a", "b"), all.stream().map(Trace::requestId).toList());
    assertNull(all.get(0).feedback());
    assertEquals(new Feedback(5, true, null), all.get(1).feedback());
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> store.attachFeedback("zzz", new Feedback(3, null, null)));
    assertTrue(e.getMessage().contains("'zzz'"), e.getMessage());
  }

  @Test
  void aTornLastLineIsSkippedAndTheNextAppendStartsAFreshLine(@TempDir Path dir) throws Exception {
    TraceStore store = TraceStore.open(dir);
    store.append(trace("a"));
    Path file = dir.resolve(TraceStore.TRACES);
    String torn = TraceJson.write(trace("torn"));
    Files.writeString(
        file,
        torn.substring(0, torn.length() / 2),
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    assertEquals(List.of("a"), store.readAll().stream().map(Trace::requestId).toList());
    store.append(trace("c"));
    assertEquals(List.of("a", "c"), store.readAll().stream().map(Trace::requestId).toList());
    assertTrue(Files.readString(file).endsWith("\n"));
  }
}
