package dev.fathom.ops.server;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.ResponseEntity;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * A server-sent-events response body written while the answer is generated: the answerer's thread
 * {@link #send}s frames into a bounded queue that the HTTP connection drains.
 *
 * <p>The answerer must never wait for a slow client (it holds a pipeline slot), so the queue does
 * not block: if a client falls {@value #CAPACITY} frames behind, further partial frames are dropped
 * and counted — the final frame (the whole answer) is always the last one sent, so a client that
 * lost partials still gets the complete answer.
 */
final class LiveEvents {
  static final int CAPACITY = 8192;

  private final BoundedSourceQueue<ByteString> queue;
  private final Source<ByteString, NotUsed> source;
  private int dropped;

  private LiveEvents(BoundedSourceQueue<ByteString> queue, Source<ByteString, NotUsed> source) {
    this.queue = queue;
    this.source = source;
  }

  static LiveEvents open(ClassicActorSystemProvider system) {
    Pair<BoundedSourceQueue<ByteString>, Source<ByteString, NotUsed>> p =
        Source.<ByteString>queue(CAPACITY).preMaterialize(system);
    return new LiveEvents(p.first(), p.second());
  }

  /** Queues one frame (already formatted as {@code event:/data:} lines ending in a blank line). */
  synchronized void send(String frame) {
    QueueOfferResult r = queue.offer(ByteString.fromString(frame, StandardCharsets.UTF_8));
    if (r != QueueOfferResult.enqueued()) {
      dropped++;
    }
  }

  /** Sends the last frame and ends the response. */
  synchronized void finish(String lastFrame) {
    send(lastFrame);
    queue.complete();
  }

  synchronized int dropped() {
    return dropped;
  }

  /**
   * The chunked {@code text/event-stream} entity with {@code comment} (an SSE comment line and its
   * blank line) sent whenever nothing else was for {@code interval}.
   */
  ResponseEntity entity(java.time.Duration interval, String comment) {
    ByteString keepAlive = ByteString.fromString(comment, StandardCharsets.UTF_8);
    return HttpEntities.create(
        MediaTypes.TEXT_EVENT_STREAM.toContentType(), source.keepAlive(interval, () -> keepAlive));
  }

  /** The chunked {@code text/event-stream} entity. */
  ResponseEntity entity() {
    return HttpEntities.create(MediaTypes.TEXT_EVENT_STREAM.toContentType(), source);
  }
}
