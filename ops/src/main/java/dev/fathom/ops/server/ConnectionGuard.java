package dev.fathom.ops.server;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.ResponseEntity;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * One per HTTP connection, between Pekko HTTP's parser and the routes: cuts slow clients
 * ("slowloris") and caps open connections, before any API key is checked.
 *
 * <p>Pekko HTTP's {@code idle-timeout} only fires when no byte moves at all, so a client that sends
 * one header byte a second holds a connection for ever. This stage instead gives each request a
 * deadline for its head ({@code header-timeout}, from the connection's start or the end of the
 * previous response) and another for its body ({@code body-timeout}, from the head). A client that
 * misses one is disconnected and counted in {@code /metrics} ({@code
 * fathom_http_connections_cut_total}), not logged line by line. Connections beyond {@code
 * max-connections} are closed at once and counted the same way.
 */
final class ConnectionGuard
    extends GraphStage<BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse>> {

  private static final String HEAD = "head", BODY = "body";

  private static final HttpResponse TOO_SLOW =
      HttpResponse.create()
          .withStatus(StatusCodes.REQUEST_TIMEOUT)
          .addHeader(Connection.create("close"))
          .withEntity("the request body did not arrive within fathom.http.body-timeout\n");

  private final Inlet<HttpRequest> fromClient = Inlet.create("guard.fromClient");
  private final Outlet<HttpRequest> toRoutes = Outlet.create("guard.toRoutes");
  private final Inlet<HttpResponse> fromRoutes = Inlet.create("guard.fromRoutes");
  private final Outlet<HttpResponse> toClient = Outlet.create("guard.toClient");
  private final BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse> shape =
      BidiShape.of(fromClient, toRoutes, fromRoutes, toClient);

  private final HttpLimits limits;
  private final AtomicInteger open;
  private final ServeMetrics metrics;

  private ConnectionGuard(HttpLimits limits, AtomicInteger open, ServeMetrics metrics) {
    this.limits = limits;
    this.open = open;
    this.metrics = metrics;
  }

  /** The guard to join with the routes' flow; {@code open} counts connections across all. */
  static BidiFlow<HttpRequest, HttpRequest, HttpResponse, HttpResponse, NotUsed> create(
      HttpLimits limits, AtomicInteger open, ServeMetrics metrics) {
    return BidiFlow.fromGraph(new ConnectionGuard(limits, open, metrics));
  }

  /**
   * The same bytes, with {@code done} told when the stream ends (completed, failed or cancelled).
   */
  private static Source<ByteString, Object> watched(HttpEntity e, AsyncCallback<Boolean> done) {
    return e.getDataBytes()
        .watchTermination(
            (m, end) -> {
              end.whenComplete((d, t) -> done.invoke(true));
              return m;
            });
  }

  /** A request entity of the same type and length whose end {@code done} is told of. */
  private static RequestEntity request(HttpEntity e, AsyncCallback<Boolean> done) {
    var length = e.getContentLengthOption();
    return length.isPresent()
        ? HttpEntities.create(e.getContentType(), length.getAsLong(), watched(e, done))
        : HttpEntities.createChunked(e.getContentType(), watched(e, done));
  }

  /** A response entity of the same type and length whose end {@code done} is told of. */
  private static ResponseEntity response(HttpEntity e, AsyncCallback<Boolean> done) {
    var length = e.getContentLengthOption();
    return length.isPresent()
        ? HttpEntities.create(e.getContentType(), length.getAsLong(), watched(e, done))
        : HttpEntities.createChunked(e.getContentType(), watched(e, done));
  }

  @Override
  public BidiShape<HttpRequest, HttpRequest, HttpResponse, HttpResponse> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new TimerGraphStageLogic(shape) {
      private boolean counted;
      private AsyncCallback<Boolean> bodyDone; // true: the request body was read
      private AsyncCallback<Boolean> responseDone; // the response entity was written

      {
        setHandler(
            fromClient,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                cancelTimer(HEAD);
                push(toRoutes, watchBody(grab(fromClient)));
              }
            });
        setHandler(
            toRoutes,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                pull(fromClient);
              }
            });
        setHandler(
            fromRoutes,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                // A response ends the body's deadline: a route that answers without reading the
                // body makes Pekko close the connection anyway.
                cancelTimer(BODY);
                push(toClient, watchResponse(grab(fromRoutes)));
              }
            });
        setHandler(
            toClient,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                pull(fromRoutes);
              }
            });
      }

      @Override
      public void preStart() {
        counted = true;
        if (open.incrementAndGet() > limits.maxConnections()) {
          metrics.httpConnectionCut("connection_limit");
          completeStage();
          return;
        }
        bodyDone = createAsyncCallback(read -> cancelTimer(BODY));
        responseDone = createAsyncCallback(written -> scheduleOnce(HEAD, limits.headerTimeout()));
        scheduleOnce(HEAD, limits.headerTimeout());
      }

      @Override
      public void postStop() {
        if (counted) open.decrementAndGet();
      }

      @Override
      public void onTimer(Object key) {
        if (HEAD.equals(key)) {
          metrics.httpConnectionCut("header_timeout");
        } else {
          metrics.httpConnectionCut("body_timeout");
          // The routes hold this request: it is answered here (Pekko HTTP requires one response
          // per request, else it logs an error), and the connection closes behind it.
          if (isAvailable(toClient)) push(toClient, TOO_SLOW);
        }
        completeStage(); // closes the connection without an error line in the log
      }

      private HttpRequest watchBody(HttpRequest r) {
        HttpEntity e = r.entity();
        if (e.isStrict() || e.isKnownEmpty()) return r;
        scheduleOnce(BODY, limits.bodyTimeout());
        return r.withEntity(request(e, bodyDone));
      }

      private HttpResponse watchResponse(HttpResponse r) {
        HttpEntity e = r.entity();
        if (e.isStrict() || e.isKnownEmpty()) {
          scheduleOnce(HEAD, limits.headerTimeout());
          return r;
        }
        // A streamed answer (server-sent events) may take minutes: the next request's deadline
        // starts when it has been written.
        return r.withEntity(response(e, responseDone));
      }
    };
  }
}
