package dev.fathom.ops.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A soak of {@code fathom serve} over HTTP: {@code concurrency} clients ask questions back to back
 * ({@code POST /v1/ask}) while one client writes a document every {@code documentEvery} ({@code
 * POST /v1/documents}, cycling through {@value #DOCUMENT_IDS} ids so the index stays the same
 * size), for {@code duration}. Reports what was done and the process's resident memory at start,
 * end and peak, so a leak shows as growth between start and end under a steady load.
 */
public final class ServeSoak {

  /** Distinct document ids the writer cycles through: replaced, not accumulated. */
  public static final int DOCUMENT_IDS = 50;

  /**
   * @param seconds how long the load was held
   * @param questions questions answered (HTTP 200)
   * @param errors questions or documents that failed (any other status, or an I/O error)
   * @param documents documents accepted (HTTP 202)
   * @param rssStartMb resident memory when the load started
   * @param rssEndMb resident memory when it ended
   * @param rssPeakMb highest resident memory seen (sampled every second)
   * @param heapStartMb Java heap in use at the start, after a GC
   * @param heapEndMb Java heap in use at the end, after a GC
   * @param rssEveryMinuteMb resident memory at the end of each whole minute of load
   */
  public record Result(
      double seconds,
      long questions,
      long errors,
      long documents,
      long rssStartMb,
      long rssEndMb,
      long rssPeakMb,
      long heapStartMb,
      long heapEndMb,
      List<Long> rssEveryMinuteMb) {}

  private final URI base;
  private final List<String> asked;
  private final int concurrency;

  public ServeSoak(URI base, List<String> asked, int concurrency) {
    if (asked.isEmpty()) throw new IllegalArgumentException("no questions to ask");
    if (concurrency < 1) throw new IllegalArgumentException("concurrency must be >= 1");
    this.base = base;
    this.asked = List.copyOf(asked);
    this.concurrency = concurrency;
  }

  public Result run(Duration duration, Duration documentEvery) throws InterruptedException {
    AtomicLong answered = new AtomicLong(), errors = new AtomicLong(), docs = new AtomicLong();
    long heapStart = heapAfterGcMb();
    AtomicLong peak = new AtomicLong(rssMb());
    List<Long> minutes = new ArrayList<>();
    long rssStart = peak.get();
    long t0 = System.nanoTime();
    long end = t0 + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    try (HttpClient http = HttpClient.newHttpClient()) {
      for (int c = 0; c < concurrency; c++) {
        int offset = c;
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      for (int i = offset; System.nanoTime() < end; i += concurrency) {
                        String q = asked.get(i % asked.size());
                        int status = post(http, "/v1/ask", askJson(q));
                        (status == 200 ? answered : errors).incrementAndGet();
                      }
                    }));
      }
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (long n = 0; System.nanoTime() < end; n++) {
                      String id = "soak-" + (n % DOCUMENT_IDS);
                      String body =
                          "{\"id\":\""
                              + id
                              + "\",\"title\":\"Soak "
                              + n
                              + "\",\"text\":\"Soak document "
                              + n
                              + " repeats the words of a steady load so the index stays the"
                              + " same size while its passages are replaced.\"}";
                      int status = post(http, "/v1/documents", body);
                      (status == 202 ? docs : errors).incrementAndGet();
                      sleep(documentEvery);
                    }
                  }));
      long nextMinute = t0 + Duration.ofMinutes(1).toNanos();
      while (System.nanoTime() < end) {
        sleep(Duration.ofSeconds(1));
        long rss = rssMb();
        peak.accumulateAndGet(rss, Math::max);
        if (System.nanoTime() >= nextMinute) {
          minutes.add(rss);
          nextMinute += Duration.ofMinutes(1).toNanos();
        }
      }
      for (Thread t : threads) t.join();
    }
    long rssEnd = rssMb();
    peak.accumulateAndGet(rssEnd, Math::max);
    long heap = heapAfterGcMb();
    return new Result(
        (System.nanoTime() - t0) / 1e9,
        answered.get(),
        errors.get(),
        docs.get(),
        rssStart,
        rssEnd,
        peak.get(),
        heapStart,
        heap,
        List.copyOf(minutes));
  }

  private static long heapAfterGcMb() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return (rt.totalMemory() - rt.freeMemory()) >> 20;
  }

  private static String askJson(String question) {
    return "{\"question\":\""
        + question.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\x00-\\x1f]", " ")
        + "\"}";
  }

  /** POSTs {@code json}; the status, or -1 for an I/O error. */
  private int post(HttpClient http, String path, String json) {
    try {
      return http.send(
              HttpRequest.newBuilder(base.resolve(path))
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofSeconds(60))
                  .POST(HttpRequest.BodyPublishers.ofString(json))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Resident set size of this process in MiB, from /proc (0 where there is none). */
  public static long rssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: no figure rather than a wrong one
    }
    return 0;
  }
}
