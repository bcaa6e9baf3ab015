package dev.fathom.drafters.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ParallelTest {
  @Test
  void everyIndexRunsExactlyOnce() {
    int[][] ranges = {{0, 0}, {0, 1}, {0, 2}, {3, 4}, {0, 7}, {5, 18}, {0, 1000}, {-50, 51}};
    for (int threads = 1; threads <= 5; threads++) {
      try (Parallel parallel = new Parallel(threads)) {
        for (int repeat = 0; repeat < 50; repeat++) {
          for (int[] range : ranges) {
            int start = range[0];
            int end = range[1];
            AtomicIntegerArray hits = new AtomicIntegerArray(end - start);
            parallel.forRange(
                start,
                end,
                (from, to) -> {
                  for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i - start);
                  }
                });
            for (int i = 0; i < end - start; i++) {
              assertEquals(
                  1,
                  hits.get(i),
                  "index " + (start + i) + " of " + start + ".." + end + ", " + threads);
            }
          }
        }
      }
    }
  }

  @Test
  void workRunsOnNamedDaemonThreadsAndTheCaller() {
    try (Parallel parallel = new Parallel(2)) {
      AtomicReference<Thread> other = new AtomicReference<>();
      Thread caller = Thread.currentThread();
      parallel.forRange(
          0,
          2,
          (from, to) -> {
            if (Thread.currentThread() != caller) {
              other.set(Thread.currentThread());
            }
          });
      assertTrue(other.get().getName().startsWith("fathom-engine-"), other.get().getName());
      assertTrue(other.get().isDaemon());
    }
  }

  @Test
  void aFailureInAWorkerReachesTheCaller() {
    try (Parallel parallel = new Parallel(4)) {
      IllegalStateException boom = new IllegalStateException("boom");
      var e =
          assertThrows(
              IllegalStateException.class,
              () ->
                  parallel.forRange(
                      0,
                      100,
                      (from, to) -> {
                        if (from > 0) {
                          throw boom;
                        }
                      }));
      assertSame(boom, e);
      AtomicIntegerArray hits = new AtomicIntegerArray(10);
      parallel.forRange(0, 10, (from, to) -> hits.incrementAndGet(from));
      assertEquals(1, hits.get(0), "the pool still works after a failure");
    }
  }

  @Test
  void nestedRangesRunInline() {
    try (Parallel parallel = new Parallel(3)) {
      AtomicIntegerArray hits = new AtomicIntegerArray(30);
      parallel.forRange(
          0,
          3,
          (from, to) -> {
            for (int i = from; i < to; i++) {
              int base = 10 * i;
              parallel.forRange(
                  base,
                  base + 10,
                  (f, t) -> {
                    for (int k = f; k < t; k++) {
                      hits.incrementAndGet(k);
                    }
                  });
            }
          });
      for (int i = 0; i < 30; i++) {
        assertEquals(1, hits.get(i));
      }
    }
  }

  @Test
  void threadCountIsValidated() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Parallel(0));
    assertTrue(e.getMessage().contains("0"), e.getMessage());
  }

  @Test
  void closedPoolRefusesWork() {
    Parallel parallel = new Parallel(2);
    parallel.close();
    assertThrows(IllegalStateException.class, () -> parallel.forRange(0, 10, (f, t) -> {}));
  }
}
