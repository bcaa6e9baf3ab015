package dev.fathom.ops.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * This machine's memory read bandwidth as seen from Java: {@code threads} threads each sum their
 * own slice of an off-heap region far larger than the last-level cache, and the best of several
 * passes gives bytes per second. Decoding one token reads every weight once, so this is the ceiling
 * a memory-bound decoder can approach (the "roofline" of Williams, Waterman and Patterson, CACM
 * 2009): tokens/s ≤ bandwidth / bytes per token.
 *
 * <p>The sum uses the Vector API with four independent accumulators, so the loop is limited by the
 * loads, not by the latency of one dependent add chain. Longs keep the sum exact, so the vector
 * kernels can be checked against {@link #sumScalar} bit for bit.
 *
 * <p>Passes take turns reading each thread's slice as 1, 2 or 4 sequential streams at once (its
 * halves or quarters in lockstep): on the 2-vCPU EPYC development machine one thread read more as
 * two or four streams than as one (docs/performance.md, "A bandwidth probe that bounds"), and the
 * engine's Q8_0 decode walks two streams per thread, so a one-stream probe could read less than the
 * decoder moved. Each worker times its own sum: a pass lasts from the first worker's start to the
 * last one's end, so a coordinating thread that the operating system deschedules while the workers
 * run cannot shorten it (two workers and the timing thread share two cores here; a harness that
 * timed on that thread read up to 650 GB/s).
 */
public final class BandwidthProbe {
  /** 512 MiB: well beyond any last-level cache, so every pass reads DRAM. */
  public static final long DEFAULT_BYTES = 512L << 20;

  /**
   * Each pass takes tens of milliseconds; the best of twelve (four for each stream count) rides out
   * a noisy, shared machine.
   */
  public static final int DEFAULT_PASSES = 12;

  /** The stream counts per thread that passes take in turn. */
  static final int[] STREAMS = {1, 2, 4};

  private static final VectorSpecies<Long> SPECIES = LongVector.SPECIES_PREFERRED;
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

  /**
   * One measurement.
   *
   * @param bytesPerSecond bytes read per second in the best pass
   * @param bytes size of the region summed in each pass
   * @param threads threads that read it together
   * @param passes passes measured (the best one counts)
   * @param streams sequential streams per thread in the best pass (1, 2 or 4)
   */
  public record Result(double bytesPerSecond, long bytes, int threads, int passes, int streams) {
    public Result {
      if (!(bytesPerSecond > 0)) {
        throw new IllegalArgumentException("bytesPerSecond must be > 0, got " + bytesPerSecond);
      }
      if (streams != 1 && streams != 2 && streams != 4) {
        throw new IllegalArgumentException("streams must be 1, 2 or 4, got " + streams);
      }
    }

    /** Decimal gigabytes per second, the unit memory bandwidth is quoted in. */
    public double gbPerSecond() {
      return bytesPerSecond / 1e9;
    }
  }

  /** Where sums go so the JIT cannot prove them unused and drop the reads. */
  private static volatile long blackhole;

  private BandwidthProbe() {}

  /**
   * As {@link #measure}, in a JVM of its own (this JVM's {@code java} and class path), so that the
   * probe's compiled loop never shares this JVM's profiles with the engine's kernels. Run in the
   * engine's JVM before its timed runs, the probe left one-thread Q4_K_M decode at 16–25 tok/s
   * instead of 35–37 in about half of the JVMs (the probe's Vector API warm-up alone did it;
   * allocating and touching its region did not; docs/performance.md, "The bandwidth probe slowed
   * the engine it measured").
   *
   * @throws IllegalStateException when the process cannot start, fails, or takes over two minutes
   */
  public static Result measureInOwnProcess(long bytes, int threads, int passes) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd =
        List.of(
            java,
            "--add-modules=jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            BandwidthProbe.class.getName(),
            Long.toString(bytes),
            Integer.toString(threads),
            Integer.toString(passes));
    Path log = null;
    try {
      log = Files.createTempFile("fathom-bandwidth-probe", ".log");
      // its one line of output fits the pipe, so waiting before reading cannot block it
      Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("the bandwidth probe's process ran over two minutes");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      String[] fields = out.split(" ");
      if (p.exitValue() != 0 || fields.length != 2) {
        throw new IllegalStateException(
            "the bandwidth probe's process failed (exit "
                + p.exitValue()
                + "): "
                + String.join(" | ", Files.readAllLines(log)));
      }
      return new Result(
          Double.parseDouble(fields[0]), bytes, threads, passes, Integer.parseInt(fields[1]));
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("cannot run the bandwidth probe's process: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("bandwidth probe interrupted", e);
    } finally {
      if (log != null) {
        log.toFile().delete();
      }
    }
  }

  /**
   * The child of {@link #measureInOwnProcess}: arguments bytes, threads and passes; prints the best
   * pass's bytes per second and its streams per thread.
   */
  public static void main(String[] args) {
    Result r =
        measure(Long.parseLong(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
    System.out.println(r.bytesPerSecond() + " " + r.streams());
  }

  /**
   * Sums a {@code bytes}-sized off-heap region with {@code threads} threads, {@code passes} times
   * (pass {@code p} reads {@code STREAMS[p % 3]} streams per thread), and returns the best pass's
   * bytes per second.
   */
  public static Result measure(long bytes, int threads, int passes) {
    if (bytes < 1 << 20 || bytes > 64L << 30) {
      throw new IllegalArgumentException("bytes must be in 1 MiB..64 GiB, got " + bytes);
    }
    if (threads < 1 || threads > 256) {
      throw new IllegalArgumentException("threads must be in 1..256, got " + threads);
    }
    if (passes < 1 || passes > 100) {
      throw new IllegalArgumentException("passes must be in 1..100, got " + passes);
    }
    long longs = bytes / Long.BYTES;
    try (Arena arena = Arena.ofShared();
        ExecutorService pool = Executors.newFixedThreadPool(threads, BandwidthProbe::daemon)) {
      MemorySegment region = arena.allocate(longs * Long.BYTES, 64);
      // Non-zero contents and every page touched before timing: a fresh mapping would otherwise
      // read the shared zero page, or take page faults inside the timed pass.
      for (long i = 0; i < longs; i += 512) {
        region.setAtIndex(ValueLayout.JAVA_LONG, i, i);
      }
      // Compile the kernel before timing: an interpreted Vector API loop is 100x slower.
      MemorySegment warm = region.asSlice(0, 1 << 16);
      long sink = 0;
      for (int i = 0; i < 20_000; i++) {
        for (int streams : STREAMS) {
          sink += sum(streams, warm, 0, warm.byteSize() / Long.BYTES);
        }
      }
      blackhole = sink;
      double best = 0;
      int bestStreams = 1;
      for (int p = 0; p < passes; p++) {
        int streams = STREAMS[p % STREAMS.length];
        double rate = onePass(region, threads, streams, pool);
        if (rate > best) {
          best = rate;
          bestStreams = streams;
        }
      }
      return new Result(best, longs * Long.BYTES, threads, passes, bestStreams);
    }
  }

  /**
   * Bytes per second of one pass with {@code streams} streams per thread: the threads start
   * together, and the pass runs from the first one's start to the last one's end, each timed by
   * itself.
   */
  private static double onePass(
      MemorySegment region, int threads, int streams, ExecutorService pool) {
    long longs = region.byteSize() / Long.BYTES;
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Future<long[]>> parts = new ArrayList<>(threads);
    for (int t = 0; t < threads; t++) {
      long from = longs * t / threads;
      long to = longs * (t + 1) / threads;
      parts.add(
          pool.submit(
              () -> {
                start.await();
                long begin = System.nanoTime();
                long sum = sum(streams, region, from, to);
                return new long[] {begin, System.nanoTime(), sum};
              }));
    }
    try {
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      long sink = 0;
      for (Future<long[]> f : parts) {
        long[] part = f.get();
        first = Math.min(first, part[0]);
        last = Math.max(last, part[1]);
        sink += part[2];
      }
      blackhole = sink;
      return region.byteSize() * 1e9 / Math.max(1, last - first);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("bandwidth probe interrupted", e);
    } catch (Exception e) {
      throw new IllegalStateException("bandwidth probe failed: " + e, e);
    }
  }

  /** Sum of the longs at indices {@code from..to-1}, with the Vector API. */
  static long sumVector(MemorySegment region, long from, long to) {
    int lanes = SPECIES.length();
    LongVector a0 = LongVector.zero(SPECIES);
    LongVector a1 = a0;
    LongVector a2 = a0;
    LongVector a3 = a0;
    long i = from;
    long step = 4L * lanes;
    for (; i + step <= to; i += step) {
      long off = i * Long.BYTES;
      a0 = a0.add(LongVector.fromMemorySegment(SPECIES, region, off, ByteOrder.nativeOrder()));
      a1 =
          a1.add(
              LongVector.fromMemorySegment(
                  SPECIES, region, off + (long) lanes * Long.BYTES, ByteOrder.nativeOrder()));
      a2 =
          a2.add(
              LongVector.fromMemorySegment(
                  SPECIES, region, off + 2L * lanes * Long.BYTES, ByteOrder.nativeOrder()));
      a3 =
          a3.add(
              LongVector.fromMemorySegment(
                  SPECIES, region, off + 3L * lanes * Long.BYTES, ByteOrder.nativeOrder()));
    }
    long sum = a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    return sum + sumScalar(region, i, to);
  }

  /** The sum of the longs at {@code from..to-1}, read as {@code streams} (1, 2 or 4) streams. */
  static long sum(int streams, MemorySegment region, long from, long to) {
    return switch (streams) {
      case 1 -> sumVector(region, from, to);
      case 2 -> sumTwoStreams(region, from, to);
      case 4 -> sumFourStreams(region, from, to);
      default -> throw new IllegalArgumentException("streams must be 1, 2 or 4, got " + streams);
    };
  }

  /**
   * {@link #sumVector} reading the two halves of {@code from..to-1} side by side, two vectors from
   * each per step; the longs the halves leave over are summed at the end.
   */
  static long sumTwoStreams(MemorySegment region, long from, long to) {
    int lanes = SPECIES.length();
    long half = (to - from) / 2 / (2L * lanes) * (2L * lanes);
    LongVector a0 = LongVector.zero(SPECIES);
    LongVector a1 = a0;
    LongVector a2 = a0;
    LongVector a3 = a0;
    long second = half * Long.BYTES;
    long vector = (long) lanes * Long.BYTES;
    for (long i = from; i < from + half; i += 2L * lanes) {
      long off = i * Long.BYTES;
      a0 = a0.add(LongVector.fromMemorySegment(SPECIES, region, off, ByteOrder.nativeOrder()));
      a1 =
          a1.add(
              LongVector.fromMemorySegment(SPECIES, region, off + vector, ByteOrder.nativeOrder()));
      a2 =
          a2.add(
              LongVector.fromMemorySegment(SPECIES, region, off + second, ByteOrder.nativeOrder()));
      a3 =
          a3.add(
              LongVector.fromMemorySegment(
                  SPECIES, region, off + second + vector, ByteOrder.nativeOrder()));
    }
    long sum = a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    return sum + sumScalar(region, from + 2 * half, to);
  }

  /**
   * {@link #sumVector} reading the four quarters of {@code from..to-1} side by side, one vector
   * from each per step; the longs the quarters leave over are summed at the end.
   */
  static long sumFourStreams(MemorySegment region, long from, long to) {
    int lanes = SPECIES.length();
    long quarter = (to - from) / 4 / lanes * lanes;
    LongVector a0 = LongVector.zero(SPECIES);
    LongVector a1 = a0;
    LongVector a2 = a0;
    LongVector a3 = a0;
    long q = quarter * Long.BYTES;
    for (long i = from; i < from + quarter; i += lanes) {
      long off = i * Long.BYTES;
      a0 = a0.add(LongVector.fromMemorySegment(SPECIES, region, off, ByteOrder.nativeOrder()));
      a1 = a1.add(LongVector.fromMemorySegment(SPECIES, region, off + q, ByteOrder.nativeOrder()));
      a2 =
          a2.add(
              LongVector.fromMemorySegment(SPECIES, region, off + 2 * q, ByteOrder.nativeOrder()));
      a3 =
          a3.add(
              LongVector.fromMemorySegment(SPECIES, region, off + 3 * q, ByteOrder.nativeOrder()));
    }
    long sum = a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    return sum + sumScalar(region, from + 4 * quarter, to);
  }

  /** The scalar reference of {@link #sumVector} and the stream forms. */
  static long sumScalar(MemorySegment region, long from, long to) {
    long sum = 0;
    for (long i = from; i < to; i++) {
      sum += region.getAtIndex(LONG, i);
    }
    return sum;
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "bandwidth-probe");
    t.setDaemon(true);
    return t;
  }
}
