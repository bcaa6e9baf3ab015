package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
  void unreachableCopiesAreReleased() throws Exception {
    Path status = Path.of("/proc/self/status");
    Assumptions.assumeTrue(Files.isReadable(status), "needs /proc/self/status (Linux)");
    long before = residentKib(status);
    List<MemorySegment> copies = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      MemorySegment m = WeightMemory.allocate(6L << 20);
      for (long at = 0; at < m.byteSize(); at += 4096) {
        m.set(ValueLayout.JAVA_BYTE, at, (byte) 1);
      }
      copies.add(m);
    }
    long touched = residentKib(status);
    assertTrue(
        touched - before > 150_000, "192 MiB touched: " + before + " -> " + touched + " KiB");
    copies.clear();
    long after = touched;
    for (int i = 0; i < 50 && after - before > 60_000; i++) {
      System.gc();
      Thread.sleep(100);
      after = residentKib(status);
    }
    assertTrue(after - before <= 60_000, "released: " + before + " -> " + after + " KiB");
  }

  private static long residentKib(Path status) throws IOException {
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in " + status);
  }
}
