package dev.fathom.ops.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogitsDiffTest {

  @Test
  void measuresTheLargestDifferenceAgainstTheLargestReferenceLogit() {
    float[] ref = {1f, -4f, 2f, 0.5f, 3f, 1f};
    float[] other = {1.001f, -4f, 2f, 0.5f, 2.9f, 1.2f};
    LogitsDiff d = LogitsDiff.of(ref, other, 3);
    assertEquals(2, d.positions());
    assertEquals(0.2, d.maxAbsDiff(), 1e-6);
    assertEquals(4, d.maxAbsReference(), 0);
    assertEquals(0.05, d.relative(), 1e-6);
    assertFalse(d.withinTolerance());
    assertEquals(0, d.argmaxMismatches());
  }

  @Test
  void countsPositionsWhoseArgmaxDiffers() {
    LogitsDiff d = LogitsDiff.of(new float[] {1f, 2f, 5f, 4f}, new float[] {2.1f, 2f, 5f, 4f}, 2);
    assertEquals(1, d.argmaxMismatches());
  }

  @Test
  void aNanLogitIsNeverWithinTolerance() {
    LogitsDiff d = LogitsDiff.of(new float[] {1f, 2f, 3f}, new float[] {1f, Float.NaN, 3f}, 3);
    assertTrue(Double.isNaN(d.maxAbsDiff()));
    assertFalse(d.withinTolerance());
  }

  @Test
  void withinTheToleranceOfTheLargestLogit() {
    float[] ref = {100f, -50f, 3f};
    float[] other = {100.05f, -50f, 3f};
    assertTrue(LogitsDiff.of(ref, other, 3).withinTolerance());
  }

  @Test
  void rowsOfDifferentShapesAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> LogitsDiff.of(new float[6], new float[4], 2));
    assertTrue(e.getMessage().contains("6 and 4"), e.getMessage());
  }

  @Test
  void writesAndReadsLittleEndianFloats(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("l.bin");
    float[] v = {1.5f, -0f, Float.MIN_VALUE, 3e38f};
    LogitsDiff.write(f, v);
    assertEquals(16, Files.size(f));
    assertEquals(0x00, Files.readAllBytes(f)[0]); // 1.5f = 0x3FC00000, low byte first
    assertEquals((byte) 0x3F, Files.readAllBytes(f)[3]);
    float[] back = LogitsDiff.read(f);
    assertEquals(v.length, back.length);
    for (int i = 0; i < v.length; i++) {
      assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(back[i]));
    }
  }
}
