package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class WeightMemoryTest {
  @Test
  void largeCopiesAreZeroedAlignedAndWritableToTheirLastByte() {
    long bytes = WeightMemory.HUGE_MINIMUM + 12345;
    MemorySegment m = WeightMemory.allocate(bytes);
    assertEquals(bytes, m.byteSize());
    assertEquals(0, m.address() % 64, "64-byte aligned");
    if (WeightMemory.mapsHugePages()) {
      assertEquals(
          WeightMemory.START,
          m.address() % (2 << 20),
          "a mapping starts START bytes past a huge-page boundary");
    }
    // the memory kernels check for: the class of an arena's segments
    assertEquals(RepackedLayout.NATIVE, m.getClass());
    for (long i = 0; i < bytes; i += 4093) {
      assertEquals(0, m.get(ValueLayout.JAVA_BYTE, i), "zeroed at " + i);
    }
    m.set(ValueLayout.JAVA_BYTE, bytes - 1, (byte) 7);
    assertEquals(7, m.get(ValueLayout.JAVA_BYTE, bytes - 1));
  }

  @Test
  void smallCopiesTakeAnOrdinaryAllocation() {
    MemorySegment m = WeightMemory.allocate(1000);
    assertEquals(1000, m.byteSize());
    assertEquals(0, m.address() % 64);
    assertTrue(m.isNative());
  }

  @Test
  void unreachableCopiesAreUnmapped() throws Exception {
    Path maps = Path.of("/proc/self/maps");
    Assumptions.assumeTrue(
        WeightMemory.mapsHugePages() && Files.isReadable(maps), "needs the mapping (Linux)");
    // the address ranges that hold the copies: gone once the copies are unreachable, whatever
    // else the JVM allocates or frees meanwhile (resident-memory totals were too noisy for that)
    List<MemorySegment> copies = new ArrayList<>();
    Set<String> ranges = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      MemorySegment m = WeightMemory.allocate(6L << 20);
      m.set(ValueLayout.JAVA_BYTE, m.byteSize() - 1, (byte) 1);
      copies.add(m);
      String range = rangeHolding(maps, m.address());
      assertTrue(range != null, "a copy lies in a mapping");
      ranges.add(range);
    }
    copies.clear();
    Set<String> left = new HashSet<>(ranges);
    for (int i = 0; i < 50 && !left.isEmpty(); i++) {
      System.gc();
      Thread.sleep(100);
      left.retainAll(allRanges(maps));
    }
    assertTrue(left.isEmpty(), "still mapped: " + left);
  }

  /** The {@code start-end} of the mapping holding {@code address}, or null. */
  private static String rangeHolding(Path maps, long address) throws IOException {
    for (String range : allRanges(maps)) {
      String[] ends = range.split("-");
      if (Long.parseUnsignedLong(ends[0], 16) <= address
          && address < Long.parseUnsignedLong(ends[1], 16)) {
        return range;
      }
    }
    return null;
  }

  private static Set<String> allRanges(Path maps) throws IOException {
    Set<String> ranges = new HashSet<>();
    for (String line : Files.readAllLines(maps)) {
      ranges.add(line.substring(0, line.indexOf(' ')));
    }
    return ranges;
  }
}
