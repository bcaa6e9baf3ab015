package dev.fathom.drafters.lm;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes the wrapped stream when nothing has been read for {@code timeout}. {@code HttpClient}'s
 * request timeout ends once the headers arrive; a server that then stalls mid-stream would block a
 * reader for ever. Closing an {@code HttpClient} body stream wakes a blocked read (it returns end
 * of stream), so callers check {@link #timedOut()} when a stream ends early.
 */
final class IdleTimeoutInputStream extends FilterInputStream {

  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("openai-idle-timeout").unstarted(r));

  private final long timeoutNanos;
  private volatile long lastRead = System.nanoTime();
  private volatile boolean timedOut;
  private volatile boolean closed;
  private ScheduledFuture<?> check;

  IdleTimeoutInputStream(InputStream in, Duration timeout) {
    super(in);
    this.timeoutNanos = timeout.toNanos();
    schedule(timeoutNanos);
  }

  boolean timedOut() {
    return timedOut;
  }

  private synchronized void schedule(long delayNanos) {
    if (!closed) {
      check = TIMER.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void check() {
    long idle = System.nanoTime() - lastRead;
    if (idle < timeoutNanos) {
      schedule(timeoutNanos - idle);
      return;
    }
    timedOut = true;
    try {
      close();
    } catch (IOException ignored) {
      // The reader sees the end of the stream and asks timedOut().
    }
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    lastRead = System.nanoTime();
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    lastRead = System.nanoTime();
    return n;
  }

  @Override
  public void close() throws IOException {
    synchronized (this) {
      closed = true;
      if (check != null) {
        check.cancel(false);
      }
    }
    super.close();
  }
}
