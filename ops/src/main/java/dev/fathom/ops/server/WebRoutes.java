package dev.fathom.ops.server;

import static dev.fathom.ops.server.HttpJson.json;
import static org.apache.pekko.http.javadsl.server.Directives.*;

import dev.fathom.retrieval.Passage;
import dev.fathom.retrieval.access.Principal;
import dev.fathom.retrieval.collection.CollectionName;
import dev.fathom.retrieval.index.PassageIndex;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web page of {@code fathom serve} (docs/web.md): static files from the jar at {@code /} and
 * {@code /web/*}, and the one endpoint the page needs beyond the API, {@code GET
 * /v1/passages?source=ID[&collection=NAME]}, which lists a document's passages in order so a
 * clicked citation can be shown within its document.
 *
 * <p>The static files hold no data, so they need no API key; the page asks for the key and sends it
 * with every {@code /v1} call. They are served with a Content-Security-Policy that allows only this
 * origin's scripts and styles: document text is shown as text, never as markup, and the policy is
 * the second fence should that ever slip.
 */
final class WebRoutes {

  /** Where the page's files live in the jar. */
  static final String RESOURCES = "dev/fathom/ops/web";

  private static final RawHeader CSP =
      RawHeader.create(
          "Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'");

  private final PassageIndex index;
  private final Executor blocking;
  private final CollectionRoutes collections; // null: one index, no collections

  WebRoutes(PassageIndex index, Executor blocking) {
    this(index, blocking, null);
  }

  /** The page over {@code index} ({@code default}) and the other collections of {@code routes}. */
  WebRoutes(PassageIndex index, Executor blocking, CollectionRoutes collections) {
    this.index = index;
    this.blocking = blocking;
    this.collections = collections;
  }

  /** {@code GET /} (the page) and {@code GET /web/*} (its scripts and styles); no key needed. */
  Route page() {
    return get(
        () ->
            respondWithHeader(
                CSP,
                () ->
                    concat(
                        pathSingleSlash(() -> getFromResource(RESOURCES + "/index.html")),
                        pathPrefix("web", () -> getFromResourceDirectory(RESOURCES)))));
  }

  /**
   * {@code GET /v1/passages?source=ID[&collection=NAME]}, answering as {@code caller}; without
   * {@code collection} the {@code default} collection's index.
   */
  Route api(Principal caller) {
    return path(
        PathMatchers.segment("passages"),
        () ->
            get(
                () ->
                    parameterOptional(
                        "source",
                        source ->
                            parameterOptional(
                                "collection",
                                c -> passages(source.orElse(""), c.orElse(null), caller)))));
  }

  private Route passages(String source, String collection, Principal caller) {
    if (source.isBlank()) {
      return json(
          StatusCodes.BAD_REQUEST,
          Map.of("error", "parameter source is required: the source of a citation or search hit"));
    }
    PassageIndex from = index;
    if (collection != null && !collection.isBlank()) {
      CollectionName name;
      try {
        name = new CollectionName(collection.strip());
      } catch (IllegalArgumentException e) {
        return json(StatusCodes.BAD_REQUEST, Map.of("error", e.getMessage()));
      }
      if (!name.equals(CollectionName.DEFAULT)) {
        from = collections == null ? null : collections.index(name);
        if (from == null) {
          return json(
              StatusCodes.NOT_FOUND,
              Map.of("error", "no collection '" + name + "' on this server"));
        }
      }
    }
    PassageIndex searched = from;
    return onSuccess(
        CompletableFuture.supplyAsync(() -> searched.passagesOf(source, caller), blocking),
        found ->
            found.isEmpty()
                ? json(StatusCodes.NOT_FOUND, Map.of("error", "no passages of source " + source))
                : json(StatusCodes.OK, document(source, found)));
  }

  /** {@code {"source","title","passages":[{"id","start","end","text"}]}}. */
  static Map<String, Object> document(String source, List<Passage> passages) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("source", source);
    out.put("title", passages.getFirst().title());
    out.put(
        "passages",
        passages.stream()
            .map(
                p -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("id", p.id());
                  m.put("start", p.start());
                  m.put("end", p.end());
                  m.put("text", p.text());
                  return m;
                })
            .toList());
    return out;
  }
}
