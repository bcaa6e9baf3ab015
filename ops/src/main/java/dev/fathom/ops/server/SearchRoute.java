package dev.fathom.ops.server;

import static dev.fathom.ops.server.HttpJson.json;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.parameterMap;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.ops.intake.ScopeIntake;
import dev.fathom.ops.json.Json;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.index.IndexUnavailableException;
import dev.fathom.retrieval.search.Retriever;
import dev.fathom.retrieval.search.SearchScope;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /v1/search?q=...&k=...&mode=...}: the {@code fathom search --json} object (400 for bad
 * parameters, 404 for a collection that does not exist), searched on the blocking executor.
 */
final class SearchRoute {

  private final Retriever retriever;
  private final QuestionIntake intake;
  private final Executor blocking;
  private final CollectionRoutes collections; // null: no relevance labels

  SearchRoute(
      Retriever retriever, QuestionIntake intake, Executor blocking, CollectionRoutes collections) {
    this.retriever = retriever;
    this.intake = intake;
    this.blocking = blocking;
    this.collections = collections;
  }

  /** The route, answering as {@code caller} (its access list filters the hits). */
  Route route(Principal caller) {
    return path(
        PathMatchers.segment("search"), () -> get(() -> parameterMap(p -> search(p, caller))));
  }

  private Route search(Map<String, String> params, Principal caller) {
    QuestionIntake.Search s;
    SearchScope scope;
    try {
      s = intake.search(params);
      scope = ScopeIntake.fromParams(params);
    } catch (IllegalArgumentException e) {
      return json(StatusCodes.BAD_REQUEST, Map.of("error", e.getMessage()));
    }
    return onSuccess(
        CompletableFuture.supplyAsync(
            () -> {
              try {
                var hits = retriever.search(s.query(), s.mode(), s.k(), caller, scope);
                return Json.search(
                    s.query(),
                    s.mode(),
                    hits,
                    collections == null ? null : collections.relevance(hits, s.mode()));
              } catch (IndexUnavailableException e) {
                return Map.<String, Object>of("error", e.getMessage(), "status", 404);
              }
            },
            blocking),
        body ->
            body.containsKey("status")
                ? json(StatusCodes.NOT_FOUND, Map.of("error", body.get("error")))
                : json(StatusCodes.OK, body));
  }
}
