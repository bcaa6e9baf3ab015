package dev.fathom.ops.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

class BandwidthProbeTest {

  @Test
  void vectorSumEqualsScalarSumOnAwkwardRanges() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment s = arena.allocate(5000L * Long.BYTES, 64);
      for (long i = 0; i < 5000; i++) {
        s.setAtIndex(ValueLayout.JAVA_LONG, i, i * 0x9E3779B97F4A7C15L);
      }
      long[][] ranges = {{0, 0}, {0, 1}, {0, 13}, {3, 210}, {1, 703}, {0, 4098}, {7, 5000}};
      for (long[] r : ranges) {
        for (int streams : BandwidthProbe.STREAMS) {
          assertEquals(
              BandwidthProbe.sumScalar(s, r[0], r[1]),
              BandwidthProbe.sum(streams, s, r[0], r[1]),
              "sum of " + r[0] + ".." + r[1] + " as " + streams + " streams");
        }
      }
    }
  }

  @Test
  void measuresAPositiveBandwidth() {
    BandwidthProbe.Result r = BandwidthProbe.measure(8L << 20, 2, 2);
    assertTrue(r.bytesPerSecond() > 0, "bytes/s " + r.bytesPerSecond());
    assertEquals(8L << 20, r.bytes());
    assertEquals(2, r.threads());
    assertEquals(r.bytesPerSecond() / 1e9, r.gbPerSecond(), 1e-12);
    // the first pass reads one stream per thread, the second two
    assertTrue(r.streams() == 1 || r.streams() == 2, "streams " + r.streams());
  }

  @Test
  void passesTakeEveryStreamCountInTurn() {
    BandwidthProbe.Result r = BandwidthProbe.measure(8L << 20, 1, 3);
    assertTrue(List.of(1, 2, 4).contains(r.streams()), "streams " + r.streams());
    assertThrows(IllegalArgumentException.class, () -> BandwidthProbe.sum(3, null, 0, 0));
    assertThrows(
        IllegalArgumentException.class, () -> new BandwidthProbe.Result(1e9, 1 << 20, 1, 1, 3));
  }

  @Test
  void measuresInAProcessOfItsOwn() {
    BandwidthProbe.Result r = BandwidthProbe.measureInOwnProcess(8L << 20, 1, 2);
    assertTrue(r.bytesPerSecond() > 0, "bytes/s " + r.bytesPerSecond());
    assertEquals(8L << 20, r.bytes());
    assertEquals(1, r.threads());
    assertTrue(r.streams() == 1 || r.streams() == 2, "streams " + r.streams());
  }

  @Test
  void aFailingProbeProcessNamesItsError() {
    // the child rejects 1 KiB as the in-process probe does, and its message comes back
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> BandwidthProbe.measureInOwnProcess(1024, 1, 1));
    assertTrue(e.getMessage().contains("1 MiB..64 GiB"), e.getMessage());
  }

  @Test
  void rejectsSettingsOutsideTheirRanges() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BandwidthProbe.measure(1024, 1, 1));
    assertTrue(e.getMessage().contains("1 MiB..64 GiB"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BandwidthProbe.measure(1L << 20, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> BandwidthProbe.measure(1L << 20, 1, 0));
  }
}
