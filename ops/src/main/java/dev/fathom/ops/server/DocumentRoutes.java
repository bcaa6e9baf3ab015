package dev.fathom.ops.server;

import static dev.fathom.ops.server.HttpJson.json;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /v1/documents} {@code {"id","title","text"}} and {@code DELETE /v1/documents/{id}}:
 * each written to {@code fathom.documents} (202), from where every serve process indexes it.
 */
final class DocumentRoutes {

  private final DocumentPublisher documents;
  private final int maxValueBytes;
  private final ServeMetrics metrics;

  DocumentRoutes(DocumentPublisher documents, int maxValueBytes, ServeMetrics metrics) {
    this.documents = documents;
    this.maxValueBytes = maxValueBytes;
    this.metrics = metrics;
  }

  Route route() {
    return concat(
        path(
            PathMatchers.segment("documents"),
            () -> post(() -> HttpJson.body(metrics, this::addDocument))),
        path(
            PathMatchers.segment("documents").slash(PathMatchers.segment()),
            id -> delete(() -> deleteDocument(id))));
  }

  private Route addDocument(byte[] bytes) {
    Inbound.DocumentMessage d;
    try {
      d = Inbound.document(bytes, maxValueBytes);
    } catch (PoisonMessageException e) {
      return json(StatusCodes.BAD_REQUEST, Map.of("error", e.getMessage()));
    }
    return published(d.id(), documents.publish(Inbound.documentKey(d.collection(), d.id()), bytes));
  }

  private Route deleteDocument(String id) {
    byte[] tombstone = HttpJson.bytes(Map.of("id", id, "deleted", true));
    return published(id, documents.publish(id, tombstone));
  }

  /** 202: the document is on the topic; every serve process indexes it shortly. */
  private static Route published(String id, CompletionStage<Void> sent) {
    return onComplete(
        sent,
        t ->
            t.isSuccess()
                ? json(StatusCodes.ACCEPTED, Map.of("id", id, "status", "accepted"))
                : json(
                    StatusCodes.SERVICE_UNAVAILABLE,
                    Map.of("id", id, "error", "not written to Kafka: " + t.failed().get())));
  }
}
