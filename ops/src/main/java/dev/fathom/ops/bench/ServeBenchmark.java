package dev.fathom.ops.bench;

import dev.fathom.actors.Question;
import dev.fathom.actors.QuestionResult;
import dev.fathom.actors.QuestionService;
import dev.fathom.ops.server.FathomServer;
import dev.fathom.ops.server.KafkaSettings;
import dev.fathom.retrieval.SearchMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code fathom bench serve}: the same questions through three paths of one running server, each
 * timed from the moment a question is handed over to the moment its answer is back:
 *
 * <ul>
 *   <li>{@code in-process}: {@link QuestionService#ask} of the server's own pipeline
 *   <li>{@code kafka}: a record on {@code fathom.questions}, until its answer is readable on {@code
 *       fathom.answers} with {@code read_committed} (after the answer transaction commits)
 *   <li>{@code http}: {@code POST /v1/ask}
 * </ul>
 *
 * <p>Each path runs twice: one question at a time (latency without queueing) and with {@code
 * concurrency} questions in flight (throughput).
 */
public final class ServeBenchmark {

  /** One path at one concurrency. */
  public record Result(
      String path,
      int concurrency,
      int questions,
      double seconds,
      double p50Ms,
      double p99Ms,
      int failed) {
    public double questionsPerSecond() {
      return seconds > 0 ? questions / seconds : 0;
    }
  }

  private final FathomServer server;
  private final KafkaSettings kafka;
  private final SearchMode mode;
  private final int k;

  public ServeBenchmark(FathomServer server, KafkaSettings kafka, SearchMode mode, int k) {
    this.server = server;
    this.kafka = kafka;
    this.mode = mode;
    this.k = k;
  }

  /**
   * Runs every path at concurrency 1, then every path at {@code concurrency}, after all questions
   * once untimed in-process and a few untimed per path.
   */
  public List<Result> run(List<String> questions, int concurrency) throws Exception {
    List<Result> results = new ArrayList<>();
    QuestionService pipeline = server.questions();
    Function<String, CompletableFuture<Boolean>> inProcess =
        q ->
            pipeline
                .ask(new Question(UUID.randomUUID().toString(), q, mode, k))
                .toCompletableFuture()
                .thenApply(r -> r instanceof QuestionResult.Answered);
    // Untimed: every question once, so that no path profits from a cache another path filled
    // (the embedding cache holds question and sentence vectors), plus JIT and Lucene warm-up.
    time("warm-up", inProcess, questions, 4);
    try (KafkaAsker kafkaAsker = new KafkaAsker(server.bootstrapServers(), kafka);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      URI ask = URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/ask");
      Function<String, CompletableFuture<Boolean>> overHttp =
          q ->
              http.sendAsync(
                      HttpRequest.newBuilder(ask)
                          .header("Content-Type", "application/json")
                          .POST(
                              HttpRequest.BodyPublishers.ofString(
                                  "{\"question\":"
                                      + com.fasterxml.jackson.databind.node.TextNode.valueOf(q)
                                      + ",\"sessionId\":\"bench\"}"))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .thenApply(r -> r.statusCode() == 200);
      // Untimed: connections, the answer consumer's first fetches.
      List<String> few = questions.subList(0, Math.min(5, questions.size()));
      time("warm-up", kafkaAsker::ask, few, 1);
      time("warm-up", overHttp, few, 1);
      for (int c : concurrency == 1 ? new int[] {1} : new int[] {1, concurrency}) {
        results.add(time("in-process", inProcess, questions, c));
        results.add(time("kafka", kafkaAsker::ask, questions, c));
        results.add(time("http", overHttp, questions, c));
      }
    }
    return results;
  }

  /** Asks every question with at most {@code concurrency} in flight; latencies per question. */
  private static Result time(
      String path,
      Function<String, CompletableFuture<Boolean>> asker,
      List<String> questions,
      int concurrency)
      throws InterruptedException {
    double[] ms = new double[questions.size()];
    AtomicInteger failed = new AtomicInteger();
    Semaphore slots = new Semaphore(concurrency);
    long start = System.nanoTime();
    for (int i = 0; i < questions.size(); i++) {
      slots.acquire();
      int n = i;
      long t0 = System.nanoTime();
      asker
          .apply(questions.get(i))
          .orTimeout(120, TimeUnit.SECONDS)
          .whenComplete(
              (ok, error) -> {
                ms[n] = (System.nanoTime() - t0) / 1e6;
                if (error != null || !ok) failed.incrementAndGet();
                slots.release();
              });
    }
    slots.acquire(concurrency); // all answered
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(
        path, concurrency, questions.size(), seconds, pct(ms, 50), pct(ms, 99), failed.get());
  }

  static double pct(double[] values, int p) {
    double[] s = values.clone();
    Arrays.sort(s);
    int idx = (int) Math.ceil(p / 100.0 * s.length) - 1;
    return s[Math.max(0, Math.min(s.length - 1, idx))];
  }

  /**
   * Questions on {@code fathom.questions}, answers matched by request id on {@code fathom.answers}
   * (read_committed, so an answer counts only once its transaction commits).
   */
  private static final class KafkaAsker implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, CompletableFuture<Boolean>> waiting = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread reader;
    private final KafkaSettings kafka;

    KafkaAsker(String bootstrap, KafkaSettings kafka) {
      this.kafka = kafka;
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      // Latency is the point: send each question at once.
      p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      producer = new KafkaProducer<>(p);
      Properties c = new Properties();
      c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      // A client of fathom.answers must read committed answers only (docs/serve.md).
      c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      // Answers arrive one by one; return them as soon as there is one.
      c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5");
      c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      consumer = new KafkaConsumer<>(c);
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo i : consumer.partitionsFor(kafka.topics().answers())) {
        parts.add(new TopicPartition(i.topic(), i.partition()));
      }
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      for (TopicPartition tp : parts) consumer.position(tp); // resolve now, before any question
      reader = Thread.ofPlatform().name("bench-answers").start(this::read);
    }

    CompletableFuture<Boolean> ask(String question) {
      String id = UUID.randomUUID().toString();
      CompletableFuture<Boolean> answered = new CompletableFuture<>();
      waiting.put(id, answered);
      String value =
          "{\"requestId\":\""
              + id
              + "\",\"sessionId\":\"bench\",\"question\":"
              + com.fasterxml.jackson.databind.node.TextNode.valueOf(question)
              + "}";
      producer.send(
          new ProducerRecord<>(
              kafka.topics().questions(),
              id.getBytes(StandardCharsets.UTF_8),
              value.getBytes(StandardCharsets.UTF_8)),
          (meta, error) -> {
            if (error != null && waiting.remove(id) != null) answered.completeExceptionally(error);
          });
      return answered;
    }

    private void read() {
      com.fasterxml.jackson.databind.ObjectMapper json =
          new com.fasterxml.jackson.databind.ObjectMapper();
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
          try {
            var a = json.readTree(r.value());
            CompletableFuture<Boolean> f = waiting.remove(a.path("requestId").asText());
            if (f != null) f.complete(!a.has("error"));
          } catch (java.io.IOException e) {
            // not one of ours
          }
        }
      }
      consumer.close();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      reader.join();
      producer.close();
    }
  }
}
