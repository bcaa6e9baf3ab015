package dev.fathom.compressors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CompressorKindTest {

  @Test
  void parsesTheNamesOfConfigurationAndCommandLine() {
    assertEquals(CompressorKind.TRAINED, CompressorKind.parse(" Trained "));
    assertEquals("abstractive", CompressorKind.ABSTRACTIVE.id());
  }

  @Test
  void anUnknownNameListsTheLegalOnes() {
    var e = assertThrows(IllegalArgumentException.class, () -> CompressorKind.parse("learned"));
    assertEquals(
        "compressor must be one of untrained, trained, abstractive, got \"learned\"",
        e.getMessage());
  }
}
