package dev.fathom.drafters.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed pool that splits an index range into equal chunks, one per thread, the calling thread
 * taking the first. Decode runs ~150 matvecs of 50–500 µs per token, so a call must cost a few
 * microseconds: nothing is allocated per call, workers spin briefly for the next task before
 * parking, and the caller spins before parking while the last chunks finish.
 *
 * <p>One range runs at a time; concurrent callers queue on a lock. A body that calls back into the
 * same pool (or a call from one of its workers) runs inline on the calling thread.
 */
public final class Parallel implements AutoCloseable {
  /** Work on indices {@code [from, to)}. */
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to);
  }

  /** How long an idle worker or a waiting caller spins before parking. */
  private static final long SPIN_NANOS = 50_000;

  private final int threads;
  private final Worker[] workers;
  private final ReentrantLock callers = new ReentrantLock();
  private final AtomicInteger pending = new AtomicInteger();

  // The task: written by the caller before the volatile write of generation, read by workers
  // after reading it, and left alone until every worker has counted down pending.
  private RangeBody body;
  private int start;
  private int length;
  private int chunks;
  private volatile int generation;
  private volatile boolean closed;
  private volatile Thread waitingCaller;
  private volatile Throwable failure;

  /** A pool of {@code Runtime.availableProcessors()} threads, the caller included. */
  public Parallel() {
    this(Runtime.getRuntime().availableProcessors());
  }

  /** A pool of {@code threads} threads, the caller included (so {@code threads - 1} workers). */
  public Parallel(int threads) {
    if (threads < 1 || threads > 1024) {
      throw new IllegalArgumentException("threads = " + threads + "; must be in [1, 1024]");
    }
    this.threads = threads;
    this.workers = new Worker[threads - 1];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker(i + 1);
      workers[i].start();
    }
  }

  public int threads() {
    return threads;
  }

  /** Runs {@code body} over {@code [start, end)} split into up to {@link #threads()} chunks. */
  public void forRange(int start, int end, RangeBody body) {
    if (end < start) {
      throw new IllegalArgumentException("range [" + start + ", " + end + ") has end < start");
    }
    if (closed) {
      throw new IllegalStateException("this Parallel pool is closed");
    }
    int len = end - start;
    if (len == 0) {
      return;
    }
    if (len == 1 || workers.length == 0 || isInsideThisPool()) {
      body.run(start, end);
      return;
    }
    callers.lock();
    try {
      this.body = body;
      this.start = start;
      this.length = len;
      this.chunks = Math.min(threads, len);
      pending.set(workers.length);
      generation = generation + 1;
      for (Worker w : workers) {
        if (w.parked) {
          LockSupport.unpark(w);
        }
      }
      Throwable own = null;
      try {
        body.run(start, chunkStart(1));
      } catch (Throwable t) {
        own = t;
      }
      awaitWorkers();
      this.body = null;
      Throwable theirs = failure;
      failure = null;
      rethrow(own != null ? own : theirs);
    } finally {
      callers.unlock();
    }
  }

  private boolean isInsideThisPool() {
    Thread t = Thread.currentThread();
    return callers.isHeldByCurrentThread() || (t instanceof Worker w && w.pool() == this);
  }

  private int chunkStart(int chunk) {
    return start + (int) ((long) length * chunk / chunks);
  }

  private void awaitWorkers() {
    long spinUntil = System.nanoTime() + SPIN_NANOS;
    int spins = 0;
    while (pending.get() != 0) {
      if ((++spins & 63) != 0 || System.nanoTime() < spinUntil) {
        Thread.onSpinWait();
        continue;
      }
      waitingCaller = Thread.currentThread();
      while (pending.get() != 0) {
        LockSupport.park(this);
      }
      waitingCaller = null;
    }
  }

  private static void rethrow(Throwable t) {
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new IllegalStateException("parallel range body failed", t);
    }
  }

  /** Stops the workers; a range in progress finishes first. */
  @Override
  public void close() {
    callers.lock();
    try {
      closed = true;
      for (Worker w : workers) {
        LockSupport.unpark(w);
      }
    } finally {
      callers.unlock();
    }
    for (Worker w : workers) {
      try {
        w.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private final class Worker extends Thread {
    private final int index;
    volatile boolean parked;

    Worker(int index) {
      super("fathom-engine-" + index);
      this.index = index;
      setDaemon(true);
    }

    Parallel pool() {
      return Parallel.this;
    }

    @Override
    public void run() {
      int seen = 0;
      while (true) {
        seen = awaitTask(seen);
        if (closed) {
          return;
        }
        try {
          if (index < chunks) {
            body.run(chunkStart(index), chunkStart(index + 1));
          }
        } catch (Throwable t) {
          if (failure == null) {
            failure = t;
          }
        }
        if (pending.decrementAndGet() == 0) {
          Thread caller = waitingCaller;
          if (caller != null) {
            LockSupport.unpark(caller);
          }
        }
      }
    }

    /** Spins, then parks, until a generation after {@code seen} is published or the pool closes. */
    private int awaitTask(int seen) {
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      int spins = 0;
      while (true) {
        int g = generation;
        if (g != seen || closed) {
          return g;
        }
        if ((++spins & 63) != 0 || System.nanoTime() < spinUntil) {
          Thread.onSpinWait();
          continue;
        }
        // Publish "parked" before re-reading generation: the caller writes generation before
        // reading "parked", so one of the two sees the other and no wake-up is lost.
        parked = true;
        if (generation == seen && !closed) {
          LockSupport.park(this);
        }
        parked = false;
        spinUntil = System.nanoTime() + SPIN_NANOS;
      }
    }
  }
}
