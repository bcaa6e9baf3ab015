package dev.fathom.drafters.tensor;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Off-heap memory for the engine's weight copies (repacked K-quant rows, {@link RepackedRows}, and
 * interleaved Q8_0 and Q4_0 rows, {@link InterleavedRows}), freed with the segment. On Linux a copy
 * of {@value #HUGE_MINIMUM} bytes or more is mapped anonymously and marked {@code
 * madvise(MADV_HUGEPAGE)} before it is first written, so that the kernel backs it with 2 MiB pages
 * where it can (with {@code /sys/kernel/mm/transparent_hugepage/enabled} at {@code madvise} or
 * {@code always}): a decode step streams every weight once. The copy starts {@value #START} bytes
 * past the first huge-page boundary. Elsewhere, or when the call fails, it is an ordinary
 * allocation from an automatic arena. {@code -Dfathom.engine.huge-pages=false} (default {@code
 * true}) turns the mapping off.
 *
 * <p>Measured (docs/performance.md, "Weight copies in huge pages"): one-thread Q4_K_M decode ran at
 * 33.8–37.7 tok/s in 7 of 7 JVMs with the mapping, and without it at 32.2–35.8 in 5 of 7 and at
 * 17.6 and 23.8 in the other two. Interleaved Q8_0 and Q4_0 decode is as fast with it as with an
 * ordinary allocation when the copy starts {@value #START} bytes past the boundary, and about 1.35
 * times slower when it starts on it.
 *
 * <p>Both kinds are native segments of the same class, so the kernels' type profiles see one
 * receiver either way; the memory is zeroed.
 */
final class WeightMemory {
  static final String PROPERTY = "fathom.engine.huge-pages";

  /** Copies below this size take the ordinary allocation: they would not fill a huge page. */
  static final long HUGE_MINIMUM = 4L << 20;

  private static final long HUGE_PAGE = 2L << 20;

  /**
   * Where a copy starts past its first huge-page boundary. The interleaved Q4_0 and Q8_0 loops were
   * about 1.35 times slower on copies starting at a multiple of 256 bytes (offsets 0, 256 and 32768
   * from the boundary: 22.3–23.0 tok/s one-thread Q4_0 decode) than at 64 or 4160 (29.1–31.4), and
   * an ordinary allocation starts 64 bytes past a page (glibc's 16-byte chunk header, then aligned
   * to 64), where the earlier measurements were taken. Why the 256-byte multiple is slow was not
   * found.
   */
  static final long START = 64;

  private static final int PROT_READ_WRITE = 0x1 | 0x2;
  private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
  private static final int MADV_HUGEPAGE = 14;
  private static final Logger LOG = LoggerFactory.getLogger(WeightMemory.class);

  private static final boolean ENABLED = EngineSwitch.read(PROPERTY, true);
  private static final Calls CALLS = ENABLED ? Calls.find().orElse(null) : null;

  private WeightMemory() {}

  /** {@code bytes} of zeroed native memory, aligned to 64 bytes, freed when unreachable. */
  static MemorySegment allocate(long bytes) {
    if (CALLS != null && bytes >= HUGE_MINIMUM) {
      MemorySegment mapped = CALLS.map(bytes);
      if (mapped != null) {
        return mapped;
      }
    }
    return Arena.ofAuto().allocate(bytes, 64);
  }

  /**
   * True when copies of {@value #HUGE_MINIMUM} bytes or more are mapped and marked for huge pages.
   */
  static boolean mapsHugePages() {
    return CALLS != null;
  }

  private record Calls(MethodHandle mmap, MethodHandle madvise, MethodHandle munmap) {
    static Optional<Calls> find() {
      if (!System.getProperty("os.name", "").startsWith("Linux")) {
        return Optional.empty();
      }
      try {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        MethodHandle mmap =
            linker.downcallHandle(
                libc.find("mmap").orElseThrow(),
                FunctionDescriptor.of(
                    ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        MethodHandle madvise =
            linker.downcallHandle(
                libc.find("madvise").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        MethodHandle munmap =
            linker.downcallHandle(
                libc.find("munmap").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        return Optional.of(new Calls(mmap, madvise, munmap));
      } catch (RuntimeException e) {
        LOG.debug("weight copies stay in ordinary allocations: {}", e.toString());
        return Optional.empty();
      }
    }

    /**
     * A mapping of {@code bytes} starting {@link #START} bytes past a huge-page boundary; null on
     * failure.
     */
    MemorySegment map(long bytes) {
      long span = (START + bytes + 2 * HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
      try {
        MemorySegment start =
            (MemorySegment)
                mmap.invokeExact(
                    MemorySegment.NULL, span, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
        long base = start.address();
        if (base == -1L) {
          return null;
        }
        long page = (base + HUGE_PAGE - 1) & -HUGE_PAGE;
        long advised = (START + bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
        int unused =
            (int) madvise.invokeExact(MemorySegment.ofAddress(page), advised, MADV_HUGEPAGE);
        return MemorySegment.ofAddress(page + START)
            .reinterpret(bytes, Arena.ofAuto(), ignored -> unmap(base, span));
      } catch (Throwable e) {
        LOG.debug("huge-page mapping failed, using an ordinary allocation: {}", e.toString());
        return null;
      }
    }

    private void unmap(long base, long span) {
      try {
        int unused = (int) munmap.invokeExact(MemorySegment.ofAddress(base), span);
      } catch (Throwable e) {
        LOG.warn("munmap of a weight copy failed: {}", e.toString());
      }
    }
  }
}
