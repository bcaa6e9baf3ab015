package dev.fathom.drafters.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Off-heap regions for weights copied at load ({@link RepackedRows}) backed by 2 MiB pages on
 * Linux, through {@code madvise}.
 *
 * <p>Why: a decode step streams every weight once, about 690 MB for a 1.1B Q4_K_M model, so with 4
 * KiB pages each step crosses some 170,000 pages, each a TLB miss and a page walk, and the hardware
 * prefetchers stop at page boundaries. The repacked copy is anonymous memory, which this machine's
 * kernel backs with huge pages only when asked ({@code /sys/kernel/mm/transparent_hugepage/enabled}
 * is {@code madvise} on most distributions). llama.cpp reads its weights through the page cache
 * with 4 KiB pages, as Fathom's mapped Q8_0 and Q4_0 files do.
 *
 * <p>How: the region is allocated 2 MiB aligned and a multiple of 2 MiB long, advised {@code
 * MADV_HUGEPAGE} (so that khugepaged may also collapse it later), and once written, {@code
 * MADV_COLLAPSE} (Linux 6.1+) asks the kernel to move it into huge pages right away (a copy, about
 * as costly as writing the region once more). Both are hints: where they fail (another system, an
 * older kernel, THP off, no free huge pages) the region keeps 4 KiB pages and works the same; the
 * reason is logged once. {@code -Dfathom.engine.huge-pages=false} skips both, for A/B runs.
 */
final class HugePages {
  static final String PROPERTY = "fathom.engine.huge-pages";

  /** The x86-64 and arm64 (4 KiB base) transparent huge page size. */
  static final long SIZE = 2L << 20;

  private static final int MADV_HUGEPAGE = 14;
  private static final int MADV_COLLAPSE = 25;

  /** {@code int madvise(void *addr, size_t length, int advice)}, or null where unavailable. */
  private static final MethodHandle MADVISE = madvise();

  private static volatile boolean warned;

  private HugePages() {}

  static boolean enabled() {
    String value = System.getProperty(PROPERTY, "true");
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "-D" + PROPERTY + "=" + value + ": must be true or false");
    };
  }

  /**
   * A zeroed region of {@code bytes} in {@code arena}, aligned to 64 bytes at least; when huge
   * pages are enabled and available and the region is at least {@link #SIZE}, 2 MiB aligned and
   * advised for huge pages (call {@link #collapse} once it is written).
   */
  static MemorySegment allocate(Arena arena, long bytes) {
    if (bytes < SIZE || MADVISE == null || !enabled()) {
      return arena.allocate(bytes, 64);
    }
    long rounded = (bytes + SIZE - 1) / SIZE * SIZE;
    MemorySegment region = arena.allocate(rounded, SIZE);
    advise(region, MADV_HUGEPAGE);
    return region.asSlice(0, bytes);
  }

  /**
   * Asks the kernel to back {@code region} (from {@link #allocate}) with huge pages now; returns
   * whether it did. A no-op returning false for regions {@link #allocate} did not advise.
   */
  static boolean collapse(MemorySegment region) {
    if (region.byteSize() < SIZE || MADVISE == null || !enabled() || region.address() % SIZE != 0) {
      return false;
    }
    return advise(region, MADV_COLLAPSE);
  }

  /** {@code madvise} over the whole 2 MiB pages {@code region} starts. */
  private static boolean advise(MemorySegment region, int advice) {
    long length = (region.byteSize() + SIZE - 1) / SIZE * SIZE;
    try {
      int rc = (int) MADVISE.invokeExact(MemorySegment.ofAddress(region.address()), length, advice);
      if (rc != 0) {
        warnOnce("madvise(" + advice + ") returned " + rc);
      }
      return rc == 0;
    } catch (Throwable t) {
      warnOnce("madvise(" + advice + ") failed: " + t);
      return false;
    }
  }

  private static void warnOnce(String why) {
    if (!warned) {
      warned = true;
      LoggerFactory.getLogger(HugePages.class)
          .info("Repacked weights keep 4 KiB pages ({}); decode may be a few per cent slower", why);
    }
  }

  private static MethodHandle madvise() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return null;
    }
    try {
      Linker linker = Linker.nativeLinker();
      return linker
          .defaultLookup()
          .find("madvise")
          .map(
              f ->
                  linker.downcallHandle(
                      f,
                      FunctionDescriptor.of(
                          ValueLayout.JAVA_INT,
                          ValueLayout.ADDRESS,
                          ValueLayout.JAVA_LONG,
                          ValueLayout.JAVA_INT)))
          .orElse(null);
    } catch (RuntimeException | LinkageError e) {
      // No native access (a restricted method): keep 4 KiB pages.
      return null;
    }
  }
}
