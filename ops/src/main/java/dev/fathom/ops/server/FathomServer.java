package dev.fathom.ops.server;

import dev.fathom.answer.AnswerStage;
import dev.fathom.drafters.lm.GenerationSettings;
import dev.fathom.ops.config.BehaviorsConfig;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.ops.workspace.Workspace;
import dev.fathom.retrieval.index.PassageIndex;
import java.io.PrintStream;
import java.time.Duration;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code fathom serve}: the embedded broker (unless a cluster is configured), the topics, the
 * document stream into a writable index and the exactly-once question stream, started in that order
 * and stopped in reverse.
 */
public final class FathomServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FathomServer.class);

  private final Workspace workspace;

  /** Whether Kafka questions may name their asking principal; see docs/security.md. */
  static final String PRINCIPAL_CLAIMS = "fathom.kafka.principal-claims";

  private final EmbeddedKafka broker; // null when joining an external cluster
  private final String bootstrapServers;
  private final QuestionStream questions;
  private final DocumentStream documents;
  private final Thread questionThread;
  private final Thread documentThread;
  private final ServeMetrics metrics;
  private final Duration stallAfter;
  private ServerBinding http; // null without the HTTP API
  private DocumentPublisher publisher; // null without the HTTP API
  private dev.fathom.actors.session.SessionService sessions; // this process's session node
  private BehaviorLoop behaviorLoop; // null with fathom.behaviors.enabled = false

  private FathomServer(
      Workspace workspace,
      EmbeddedKafka broker,
      String bootstrapServers,
      QuestionStream questions,
      DocumentStream documents,
      ServeMetrics metrics,
      Duration stallAfter) {
    this.metrics = metrics;
    this.stallAfter = stallAfter;
    this.workspace = workspace;
    this.broker = broker;
    this.bootstrapServers = bootstrapServers;
    this.questions = questions;
    this.documents = documents;
    this.questionThread = Thread.ofPlatform().name("fathom-questions").unstarted(questions);
    this.documentThread = Thread.ofPlatform().name("fathom-documents").unstarted(documents);
  }

  /** Starts everything but the HTTP API; prints the Kafka bootstrap address on {@code out}. */
  public static FathomServer start(FathomConfig config, KafkaSettings kafka, PrintStream out) {
    return start(config, kafka, -1, out);
  }

  /**
   * Starts everything; prints the Kafka bootstrap address (and the HTTP address) on {@code out}.
   *
   * @param httpPort port of the HTTP API on 127.0.0.1; 0 = any free port, negative = no HTTP API
   */
  public static FathomServer start(
      FathomConfig config, KafkaSettings kafka, int httpPort, PrintStream out) {
    return start(config, kafka, HttpSettings.loopback(Math.max(-1, httpPort)), out);
  }

  /**
   * Starts everything; prints the Kafka bootstrap address (and the HTTP address) on {@code out}.
   */
  public static FathomServer start(
      FathomConfig config, KafkaSettings kafka, HttpSettings httpSettings, PrintStream out) {
    return start(config, kafka, httpSettings, AnswerStage.extractive(), out);
  }

  /**
   * Starts everything with {@code stage} answering (a language model with {@code fathom serve
   * --model}); the caller closes the stage after the server.
   */
  public static FathomServer start(
      FathomConfig config,
      KafkaSettings kafka,
      HttpSettings httpSettings,
      AnswerStage stage,
      PrintStream out) {
    ServeKafka started = null;
    BehaviorLoop loop = null;
    Workspace ws = new Workspace(config);
    try {
      DocumentSettings documentSettings = DocumentSettings.fromConfig(config.raw());
      String nodeId = ServeKafka.nodeId(config.dataDir());
      started = ServeKafka.start(config, kafka, httpSettings, out);
      EmbeddedKafka broker = started.broker();
      String bootstrap = started.bootstrap();
      boolean secured = started.secured();
      PassageIndex index = ws.writableIndex();
      BehaviorsConfig behaviorsConfig = BehaviorsConfig.from(config.raw());
      loop =
          behaviorsConfig.enabled()
              ? BehaviorLoop.start(
                  bootstrap,
                  kafka,
                  behaviorsConfig,
                  ws.behaviors(
                      stage.generative() ? stage.sharedModel().contextLength() : NO_MODEL_CONTEXT))
              : null;
      if (secured && loop != null) {
        // Clients may send feedback and read the shared handbook; traces stay Fathom's own.
        EmbeddedSecurity.grant(
            bootstrap,
            java.util.List.of(behaviorsConfig.feedbackTopic()),
            java.util.List.of(behaviorsConfig.behaviorsTopic()));
      }
      // Later ws.questions() calls return this pipeline; its traces go to fathom.traces.
      ws.questions(stage, loop == null ? null : loop.publisher());
      if (loop != null && stage.generative()) {
        loop.startCuration(
            ws.questions().system(),
            stage.sharedModel(),
            GenerationSettings.GREEDY,
            kafka.groupId() + "-curator");
      }
      QuestionIntake intake = new QuestionIntake(QuestionIntake.Settings.of(config));
      ServeMetrics metrics =
          new ServeMetrics(ServeDocuments.passageCount(ws, index), kafka.topics());
      // Off unless fathom.tracing.otlp-endpoint or OTEL_EXPORTER_OTLP_* is set.
      metrics.observability().traces(QuestionTraces.from(TracingSettings.fromConfig(config.raw())));
      if (loop != null) metrics.behaviors(loop.module().metrics());
      DocumentStream documents =
          ServeDocuments.stream(
              config, ws, kafka, bootstrap, nodeId, index, documentSettings, metrics);
      QuestionStream questions =
          new QuestionStream(
              bootstrap,
              nodeId,
              kafka,
              ws.questions(),
              intake,
              stage.generative()
                  ? config.modelQuestionTimeout()
                  : config.pipeline().questionTimeout(),
              metrics);
      questions.acceptPrincipalClaims(
          config.raw().hasPath(PRINCIPAL_CLAIMS) && config.raw().getBoolean(PRINCIPAL_CLAIMS));
      FathomServer server =
          new FathomServer(
              ws, broker, bootstrap, questions, documents, metrics, documentSettings.stallAfter());
      server.sessions =
          dev.fathom.ops.sessions.SessionNode.start(
              config.raw(),
              config.dataDir(),
              ws.retriever(),
              ws.questions(),
              stage.languageModel());
      if (config.raw().getBoolean("fathom.sessions.kafka-turns")) {
        questions.withSessions(server.sessions);
      }
      server.behaviorLoop = loop;
      loop = null; // the server closes it now
      server.documentThread.start();
      server.questionThread.start();
      if (httpSettings.port() >= 0) {
        server.publisher = new DocumentPublisher(bootstrap, kafka.topics().documents());
        HttpApi api =
            ServeHttp.api(
                config,
                ws,
                stage,
                kafka,
                httpSettings,
                intake,
                metrics,
                server::ready,
                server.publisher,
                server.sessions,
                server.behaviorLoop,
                index);
        try {
          server.http =
              api.bind(
                  httpSettings.host(), httpSettings.port(), HttpLimits.fromConfig(config.raw()));
        } catch (RuntimeException e) {
          server.close();
          throw e;
        }
        out.println(
            "HTTP: "
                + ServeHttp.address(httpSettings, server.httpPort())
                + (httpSettings.keyRequired() ? " (API key required)" : ""));
      }
      return server;
    } catch (RuntimeException e) {
      if (loop != null) loop.close();
      try {
        ws.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (started != null && started.broker() != null) started.broker().close();
      throw e;
    }
  }

  /** Context length the behavior library assumes when no language model answers. */
  private static final int NO_MODEL_CONTEXT = 4096;

  /**
   * The behavior handbook of this process, or null when {@code fathom.behaviors.enabled} is off.
   */
  public dev.fathom.behaviors.BehaviorModule behaviors() {
    return behaviorLoop == null ? null : behaviorLoop.module();
  }

  /** The port the HTTP API listens on, or -1 without it. */
  public int httpPort() {
    return http == null ? -1 : http.localAddress().getPort();
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Ready: the index is open, both the question and the document consumer are assigned, and no
   * document batch has been stuck for longer than {@code fathom.documents.stall-after}.
   */
  public boolean ready() {
    return questions.assigned()
        && documents.assigned()
        && (behaviorLoop == null || behaviorLoop.caughtUp())
        && alive()
        && !documentsStalled();
  }

  /** True while a document batch has made no progress for {@code fathom.documents.stall-after}. */
  public boolean documentsStalled() {
    return documents.stalled(stallAfter);
  }

  /** The question pipeline this process answers with (for in-process comparisons). */
  public dev.fathom.actors.QuestionService questions() {
    return workspace.questions();
  }

  /** This process's session node (sessions are Cluster Sharding entities). */
  public dev.fathom.actors.session.SessionService sessions() {
    return sessions;
  }

  /** Passages searchable in this process's index now. */
  public int passageCount() {
    return workspace.writableIndex().passageCount();
  }

  /** The meters of this process, as scraped from {@code GET /metrics}. */
  public ServeMetrics metrics() {
    return metrics;
  }

  /** False once a stream has stopped with an error. */
  public boolean alive() {
    return questions.failure() == null
        && documents.failure() == null
        && (behaviorLoop == null || behaviorLoop.failure() == null);
  }

  /** The error that stopped a stream, or null. */
  public Throwable failure() {
    if (questions.failure() != null) return questions.failure();
    if (documents.failure() != null) return documents.failure();
    return behaviorLoop == null ? null : behaviorLoop.failure();
  }

  /**
   * Stops taking new work, lets the questions in flight be answered and committed, commits the
   * index, then closes everything (the embedded broker last).
   */
  @Override
  public void close() {
    if (http != null) HttpApi.unbind(http, Duration.ofSeconds(10));
    if (publisher != null) publisher.close();
    try {
      questions.stop();
      documents.stop();
      questionThread.join();
      documentThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Sessions ask the pipeline: they stop (turns in flight finish or time out) before it does.
    if (sessions != null) sessions.close();
    if (behaviorLoop != null) behaviorLoop.close();
    metrics.observability().traces().close(); // exports the spans still buffered
    try {
      workspace.close();
    } finally {
      if (broker != null) broker.close();
    }
    log.info("fathom serve stopped");
  }
}
