package dev.fathom.behaviors.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traces on disk, the CLI's storage (serve mode puts the same JSON on {@code fathom.traces}): two
 * append-only JSON-lines files in a directory, {@code traces.jsonl} (one {@link Trace} a line) and
 * {@code feedback.jsonl} (one {@code {"requestId":..., "feedback":{...}}} a line), so feedback is
 * attached later without rewriting a trace. Reading applies the latest feedback of each request.
 *
 * <p><b>Crash safety.</b> Each record is one {@code write} of a whole line followed by {@code
 * force}, so a crash loses at most the line being written. A torn last line (no newline) is skipped
 * with a warning when reading, and the next append starts on a fresh line so it is not glued to the
 * fragment. Malformed lines are skipped with a warning naming file and line; nothing else is
 * dropped. Methods are synchronized: one writer per directory per process.
 */
public final class TraceStore {

  private static final Logger log = LoggerFactory.getLogger(TraceStore.class);

  /** File name of the traces. */
  public static final String TRACES = "traces.jsonl";

  /** File name of the feedback. */
  public static final String FEEDBACK = "feedback.jsonl";

  private record FeedbackLine(String requestId, Feedback feedback) {}

  private final Path traces;
  private final Path feedback;

  private TraceStore(Path dir) {
    this.traces = dir.resolve(TRACES);
    this.feedback = dir.resolve(FEEDBACK);
  }

  /** The store in {@code dir}, created if absent (e.g. {@code <data>/traces}). */
  public static TraceStore open(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create trace directory " + dir, e);
    }
    return new TraceStore(dir);
  }

  /** Appends {@code trace} (its feedback, if any, is kept with it). */
  public synchronized void append(Trace trace) {
    appendLine(traces, TraceJson.write(trace));
  }

  /**
   * Attaches {@code f} to the trace of {@code requestId}; a later call replaces it.
   *
   * @throws IllegalArgumentException when no trace has that request id
   */
  public synchronized void attachFeedback(String requestId, Feedback f) {
    if (find(requestId).isEmpty()) {
      throw new IllegalArgumentException(
          "no trace with request id '" + requestId + "' in " + traces);
    }
    try {
      appendLine(feedback, TraceJson.MAPPER.writeValueAsString(new FeedbackLine(requestId, f)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every trace in the order written, each with its latest feedback. */
  public synchronized List<Trace> readAll() {
    Map<String, Trace> byId = new LinkedHashMap<>();
    for (String line : lines(traces)) {
      try {
        Trace t = TraceJson.readTrace(line);
        byId.put(t.requestId(), t);
      } catch (IllegalArgumentException e) {
        log.warn("skipping a malformed line of {}: {}", traces, e.getMessage());
      }
    }
    for (String line : lines(feedback)) {
      try {
        FeedbackLine f = TraceJson.MAPPER.readValue(line, FeedbackLine.class);
        byId.computeIfPresent(f.requestId(), (id, t) -> t.withFeedback(f.feedback()));
      } catch (IOException | RuntimeException e) {
        log.warn("skipping a malformed line of {}: {}", feedback, e.getMessage());
      }
    }
    return new ArrayList<>(byId.values());
  }

  /** The trace of {@code requestId} with its latest feedback. */
  public synchronized Optional<Trace> find(String requestId) {
    return readAll().stream().filter(t -> t.requestId().equals(requestId)).findFirst();
  }

  private static void appendLine(Path file, String json) {
    try (FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      boolean torn = ch.size() > 0 && !endsWithNewline(file, ch.size());
      String line = (torn ? "\n" : "") + json + "\n";
      ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) ch.write(bytes);
      ch.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
  }

  private static boolean endsWithNewline(Path file, long size) throws IOException {
    try (FileChannel r = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer last = ByteBuffer.allocate(1);
      r.read(last, size - 1);
      return last.get(0) == '\n';
    }
  }

  private static List<String> lines(Path file) {
    if (!Files.exists(file)) return List.of();
    String all;
    try {
      all = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    List<String> out = new ArrayList<>(List.of(all.split("\n", -1)));
    String tail = out.removeLast(); // "" when the file ends with a newline
    if (!tail.isBlank()) {
      log.warn("skipping a torn last line of {} ({} characters)", file, tail.length());
    }
    out.removeIf(String::isBlank);
    return out;
  }
}
