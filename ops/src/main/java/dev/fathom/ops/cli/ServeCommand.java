package dev.fathom.ops.cli;

import dev.fathom.answer.AnswerStage;
import dev.fathom.ops.config.FathomConfig;
import dev.fathom.ops.server.FathomServer;
import dev.fathom.ops.server.HttpSettings;
import dev.fathom.ops.server.KafkaSettings;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fathom serve}: answer questions from Kafka, index documents from Kafka, until stopped. */
@Command(
    name = "serve",
    description = {
      "Serve: index documents from fathom.documents, answer fathom.questions on fathom.answers"
          + " (exactly once), dead letters on fathom.dead-letters.",
      "Without fathom.kafka.bootstrap-servers a single-node Kafka broker runs inside this process,"
          + " its log under the data directory. Stop with Ctrl-C or SIGTERM."
    })
public final class ServeCommand implements Callable<Integer> {

  @Mixin DataOption data;

  @Mixin EngineOptions engine;

  @Mixin SamplingOptions sampling;

  @Option(
      names = "--kafka-port",
      paramLabel = "K",
      description = "Client port of the embedded broker (default: fathom.kafka.embedded-port).")
  Integer kafkaPort;

  @Option(
      names = "--http-port",
      paramLabel = "P",
      description =
          "Port of the HTTP API on fathom.http.host (default: fathom.http.port; 0 = any free"
              + " port, -1 = no HTTP API).")
  Integer httpPort;

  @Override
  public Integer call() throws Exception {
    FathomConfig config = data.config();
    KafkaSettings kafka = KafkaSettings.fromConfig(config.raw());
    if (kafkaPort != null) {
      if (!kafka.embedded()) {
        throw new ErrorHandler.UserError(
            "--kafka-port is for the embedded broker, but fathom.kafka.bootstrap-servers is set to "
                + kafka.bootstrapServers());
      }
      kafka = kafka.withEmbeddedPort(kafkaPort);
    }
    if (httpPort != null && (httpPort < -1 || httpPort > 65535)) {
      throw new ErrorHandler.UserError("--http-port must be in -1..65535, got " + httpPort);
    }
    HttpSettings http = HttpSettings.fromConfig(config.raw());
    if (httpPort != null) http = http.withPort(httpPort);
    // A port another process holds is one clear line now, not the broker's stack trace later.
    if (kafka.embedded())
      EnvironmentChecks.portFree("localhost", kafka.embeddedPort(), "--kafka-port");
    EnvironmentChecks.portFree(http.host(), http.port(), "--http-port");
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    AnswerStage stage = engine.openStage(config, sampling.settings(0f));
    if (stage.generative()) System.out.println("Answering with " + stage.describe());
    FathomServer server;
    try {
      server = FathomServer.start(config, kafka, http, stage, System.out);
    } catch (RuntimeException e) {
      stage.close();
      throw e;
    }
    // SIGTERM and Ctrl-C run shutdown hooks: stop polling, finish and commit the questions in
    // flight, commit and close the index, stop the broker; the JVM waits for this hook.
    Thread hook =
        new Thread(
            () -> {
              stop.countDown();
              try {
                stopped.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "fathom-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.out.println("Serving from " + config.dataDir() + ". Stop with Ctrl-C.");
    try {
      while (!stop.await(1, TimeUnit.SECONDS)) {
        if (!server.alive()) break;
      }
    } finally {
      Throwable failure = server.failure();
      server.close();
      stage.close();
      stopped.countDown();
      if (failure != null) {
        throw new ErrorHandler.UserError("serve stopped: " + failure);
      }
    }
    return 0;
  }
}
