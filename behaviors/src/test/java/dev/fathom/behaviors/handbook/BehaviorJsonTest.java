package dev.fathom.behaviors.handbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BehaviorJsonTest {

  @Test
  void oneBehaviorRoundTripsAsOneLine() {
    Behavior b =
        new Behavior(
            "behavior_cite_dates", "cite both dates", "history", List.of("r1", "r1", "r2"), 3);
    assertEquals(List.of("r1", "r2"), b.provenance());
    String json = BehaviorJson.write(b);
    assertEquals(
        "{\"name\":\"behavior_cite_dates\",\"instruction\":\"cite both dates\",\"topic\":\"history\","
            + "\"provenance\":[\"r1\",\"r2\"],\"uses\":3}",
        json);
    assertEquals(b, BehaviorJson.read(json));
  }

  @Test
  void aHandbookFileRoundTripsAndABareArrayIsAccepted() {
    List<Behavior> list =
        List.of(Behavior.of("behavior_a", "do a", ""), Behavior.of("behavior_b", "do b", "t"));
    String file = BehaviorJson.writeFile(list);
    assertTrue(file.contains("\"format\" : \"fathom-behaviors\""), file);
    assertEquals(list, BehaviorJson.readFile(file));
    assertEquals(
        List.of(Behavior.of("behavior_a", "do a", "")),
        BehaviorJson.readFile("[{\"name\":\"behavior_a\",\"instruction\":\"do a\"}]"));
  }

  @Test
  void badEntriesAreRejectedNamingTheEntryAndTheRule() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                BehaviorJson.readFile(
                    "[{\"name\":\"behavior_a\",\"instruction\":\"x\"},{\"name\":\"Bad Name\",\"instruction\":\"x\"}]"));
    assertTrue(e.getMessage().startsWith("behavior #2: behavior name must match"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> BehaviorJson.readFile("{\"format\":\"other\",\"behaviors\":[]}"));
    assertThrows(
        IllegalArgumentException.class, () -> BehaviorJson.read("{\"name\":\"behavior_a\"}"));
    assertThrows(IllegalArgumentException.class, () -> Behavior.of("behavior_a", "two\nlines", ""));
    assertThrows(
        IllegalArgumentException.class, () -> new Behavior("behavior_a", "x", "", List.of(), -1));
  }

  @Test
  void absorbingKeepsTheWordingAndCombinesProvenanceAndUses() {
    Behavior a = new Behavior("behavior_a", "first wording", "", List.of("r1"), 2);
    Behavior b = new Behavior("behavior_b", "second wording", "", List.of("r2", "r1"), 3);
    assertEquals(
        new Behavior("behavior_a", "first wording", "", List.of("r1", "r2"), 5), a.absorb(b));
  }
}
