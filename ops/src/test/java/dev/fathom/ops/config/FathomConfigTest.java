package dev.fathom.ops.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FathomConfigTest {

  @Test
  void anEmptyDataDirectoryIsRefusedNamingTheSettingAndTheVariable() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                FathomConfig.from(
                    ConfigFactory.parseString("fathom.data-dir = \"\"")
                        .withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().contains("fathom.data-dir is empty"), e.getMessage());
    assertTrue(e.getMessage().contains("FATHOM_DATA"), e.getMessage());
  }

  @Test
  void aNamedDataDirectoryIsKept() {
    FathomConfig c =
        FathomConfig.from(
            ConfigFactory.parseString("fathom.data-dir = \"some/where\"")
                .withFallback(ConfigFactory.load()));
    assertEquals(Path.of("some/where"), c.dataDir());
  }
}
