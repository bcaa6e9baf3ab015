package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EngineSwitchTest {
  private static final String P = "fathom.engine.test-switch";

  @Test
  void anUnsetSwitchHasItsDefaultAndASetOneItsValue() {
    System.clearProperty(P);
    assertTrue(EngineSwitch.read(P, true));
    assertFalse(EngineSwitch.read(P, false));
    try {
      System.setProperty(P, "false");
      assertFalse(EngineSwitch.read(P, true));
      System.setProperty(P, "true");
      assertTrue(EngineSwitch.read(P, false));
    } finally {
      System.clearProperty(P);
    }
  }

  @Test
  void anythingButTrueOrFalseIsRefusedNamingTheProperty() {
    var e = assertThrows(IllegalArgumentException.class, () -> EngineSwitch.parse(P, "yes"));
    assertEquals("-D" + P + "=yes: must be true or false", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> EngineSwitch.parse(P, "TRUE"));
  }
}
