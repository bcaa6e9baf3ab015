package dev.fathom.ops.server;

import static dev.fathom.ops.server.HttpJson.json;
import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fathom.ops.intake.IntakeException;
import dev.fathom.ops.intake.ScopeIntake;
import dev.fathom.ops.intake.StrictJson;
import dev.fathom.ops.workspace.DocumentViews;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.index.FileRecord;
import dev.fathom.retrieval.index.IndexUnavailableException;
import dev.fathom.retrieval.index.PassageIndex;
import dev.fathom.retrieval.index.StreamStore;
import dev.fathom.retrieval.search.Relevance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The collections of a serving data directory over HTTP (what a web page needs to show and manage
 * them; docs/collections.md):
 *
 * <ul>
 *   <li>{@code GET /v1/collections}: {@code {"collections":[{"name","documents","passages"}]}}
 *   <li>{@code GET /v1/collections/{c}/documents[?filter=...]}: {@code {"collection",
 *       "documents":[{"id","path","title","passages","origin","acl","metadata"}]}}
 *   <li>{@code GET /v1/collections/{c}/documents/{id}}: one such document
 *   <li>{@code POST /v1/collections/{c}/documents}: {@code {"id","title","text","metadata"?,
 *       "acl"?}} onto {@code fathom.documents} in collection {@code c} (202), as {@code POST
 *       /v1/documents} with {@code "collection"}
 *   <li>{@code DELETE /v1/collections/{c}/documents/{id}}: a document that came over Kafka/HTTP is
 *       deleted through the topic (202); one ingested from files is removed from this server's
 *       index (200)
 * </ul>
 *
 * A caller sees, shows and deletes only documents its access list permits; {@code id} is
 * URL-encoded when it holds {@code /} (file paths).
 */
final class CollectionRoutes {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Workspace ws;
  private final DocumentPublisher documents;
  private final Executor blocking;
  private final int maxValueBytes;

  CollectionRoutes(
      Workspace ws, DocumentPublisher documents, Executor blocking, int maxValueBytes) {
    this.ws = ws;
    this.documents = documents;
    this.blocking = blocking;
    this.maxValueBytes = maxValueBytes;
  }

  /** 0–1 relevance of search hits under this server's retrieval settings. */
  Map<String, Double> relevance(List<Hit> hits, SearchMode mode) {
    return Relevance.of(hits, mode, ws.config().retrieval());
  }

  /** The index of collection {@code c} for reading, or null when this server has none. */
  PassageIndex index(CollectionName c) {
    return ws.collections().exists(c) ? ws.readIndex(c) : null;
  }

  /** Why a question of {@code scope} cannot be answered here (no such collection), or null. */
  String missing(dev.fathom.retrieval.search.SearchScope scope) {
    CollectionName c = scope.collection();
    return ws.collectionExists(c)
        ? null
        : "no collection '" + c + "' on this server (GET /v1/collections lists them)";
  }

  Route route(Principal caller) {
    return pathPrefix(
        "collections",
        () ->
            concat(
                pathEnd(() -> get(() -> work(() -> list(caller)))),
                pathPrefix(
                    PathMatchers.segment(),
                    c ->
                        pathPrefix(
                            "documents",
                            () ->
                                concat(
                                    pathEnd(
                                        () ->
                                            concat(
                                                get(
                                                    () ->
                                                        parameterOptional(
                                                            "filter",
                                                            f ->
                                                                work(
                                                                    () ->
                                                                        documents(
                                                                            c,
                                                                            f.orElse(null),
                                                                            caller)))),
                                                post(() -> upload(c)))),
                                    path(
                                        PathMatchers.remaining(),
                                        id ->
                                            concat(
                                                get(() -> work(() -> show(c, id, caller))),
                                                delete(() -> remove(c, id, caller)))))))));
  }

  private Reply list(Principal caller) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (CollectionName n : ws.collectionNames()) {
      StreamStore index = ws.documentStore(n); // the embedded index or the Solr collection
      long docs =
          index.fileRecords().values().stream().filter(r -> r.acl().permits(caller)).count();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", n.value());
      m.put("documents", docs);
      m.put("passages", index.passageCount());
      rows.add(m);
    }
    return Reply.ok(Map.of("collections", rows));
  }

  private Reply documents(String c, String filter, Principal caller) {
    CollectionName name = new CollectionName(c);
    var f = ScopeIntake.fromParams(filter == null ? Map.of() : Map.of("filter", filter)).filter();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (FileRecord r : DocumentViews.list(ws.documentStore(name), f)) {
      if (r.acl().permits(caller)) rows.add(DocumentViews.row(r));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("collection", name.value());
    body.put("documents", rows);
    return Reply.ok(body);
  }

  private Reply show(String c, String id, Principal caller) {
    FileRecord r = DocumentViews.find(ws.documentStore(new CollectionName(c)), id);
    if (r == null || !r.acl().permits(caller)) return Reply.notFound(noDocument(c, id));
    return Reply.ok(DocumentViews.row(r));
  }

  private Route remove(String c, String id, Principal caller) {
    return work(
        () -> {
          CollectionName name = new CollectionName(c);
          StreamStore index = ws.documentStore(name);
          FileRecord r = DocumentViews.find(index, id);
          if (r == null || !r.acl().permits(caller)) return Reply.notFound(noDocument(c, id));
          if (r.fromStream()) {
            byte[] tombstone =
                HttpJson.bytes(
                    Map.of("id", r.source(), "collection", name.value(), "deleted", true));
            documents
                .publish(Inbound.documentKey(name, r.source()), tombstone)
                .toCompletableFuture()
                .join();
            return new Reply(StatusCodes.ACCEPTED, Map.of("id", r.source(), "status", "accepted"));
          }
          StreamStore writable = ws.writableDocumentStore(name);
          writable.deleteSource(r.source());
          writable.commit();
          return Reply.ok(Map.of("id", r.source(), "status", "deleted"));
        });
  }

  private Route upload(String c) {
    return extractRequest(
        request -> {
          if (!request.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
            return json(
                StatusCodes.UNSUPPORTED_MEDIA_TYPE,
                Map.of("error", "the body must be application/json"));
          }
          return entity(
              Unmarshaller.entityToByteArray(),
              bytes -> {
                byte[] value;
                Inbound.DocumentMessage d;
                try {
                  CollectionName name = new CollectionName(c);
                  ObjectNode j = (ObjectNode) StrictJson.object(bytes, maxValueBytes, "body");
                  if (j.hasNonNull("collection") && !j.get("collection").asText().equals(c)) {
                    throw new IntakeException(
                        "field \"collection\" names " + j.get("collection") + " but the path " + c);
                  }
                  j.put("collection", name.value());
                  value = MAPPER.writeValueAsBytes(j);
                  d = Inbound.document(value, maxValueBytes);
                } catch (IllegalArgumentException
                    | PoisonMessageException
                    | JsonProcessingException e) {
                  return json(StatusCodes.BAD_REQUEST, Map.of("error", e.getMessage()));
                }
                return onSuccess(
                    documents.publish(Inbound.documentKey(d.collection(), d.id()), value),
                    done -> json(StatusCodes.ACCEPTED, Map.of("id", d.id(), "status", "accepted")));
              });
        });
  }

  private static String noDocument(String c, String id) {
    return "no document '" + id + "' in collection '" + c + "'";
  }

  /** A status and body computed off the HTTP threads. */
  private record Reply(StatusCode status, Map<String, Object> body) {
    static Reply ok(Map<String, Object> body) {
      return new Reply(StatusCodes.OK, body);
    }

    static Reply notFound(String message) {
      return new Reply(StatusCodes.NOT_FOUND, Map.of("error", message));
    }
  }

  /** Runs {@code work} on the blocking executor; a bad name is 400, a missing collection 404. */
  private Route work(java.util.function.Supplier<Reply> work) {
    return onSuccess(
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return work.get();
              } catch (IndexUnavailableException e) {
                return Reply.notFound(e.getMessage());
              } catch (IllegalArgumentException e) {
                return new Reply(StatusCodes.BAD_REQUEST, Map.of("error", e.getMessage()));
              }
            },
            blocking),
        r -> json(r.status(), r.body()));
  }
}
