package dev.fathom.ops.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.actors.Question;
import dev.fathom.actors.QuestionResult;
import dev.fathom.actors.QuestionService;
import dev.fathom.actors.session.SessionService;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.ops.intake.QuestionIntake;
import dev.fathom.ops.intake.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * One record of {@code fathom.questions} answered, for {@link QuestionStream}: parsed by the one
 * intake, asked of the pipeline (or of its session, as a turn), its text streamed piece by piece to
 * {@code fathom.answer-stream}, and turned into the record to send in the stream's transaction —
 * the answer, the failure as an answer with an {@code "error"}, or a dead letter for a value that
 * does not parse.
 */
final class QuestionRecords {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final KafkaSettings settings;
  private final ServeMetrics metrics;
  private final QuestionService questions;
  private final QuestionIntake intake;
  // The stream's current producer of pieces (replaced when the stream restarts).
  private final Supplier<KafkaProducer<byte[], byte[]>> streamProducer;
  private volatile SessionService sessions; // null: questions are not turns
  private volatile boolean principalClaims;

  QuestionRecords(
      KafkaSettings settings,
      ServeMetrics metrics,
      QuestionService questions,
      QuestionIntake intake,
      Supplier<KafkaProducer<byte[], byte[]>> streamProducer) {
    this.settings = settings;
    this.metrics = metrics;
    this.questions = questions;
    this.intake = intake;
    this.streamProducer = streamProducer;
  }

  /** See {@link QuestionStream#acceptPrincipalClaims}. */
  void acceptPrincipalClaims(boolean accept) {
    this.principalClaims = accept;
  }

  /** See {@link QuestionStream#withSessions}. */
  void withSessions(SessionService s) {
    this.sessions = s;
  }

  /**
   * The record to send for one question: its answer, its failure, or a dead letter; completes
   * exceptionally with {@link SessionUnreachable} when a session turn got no reply.
   */
  CompletableFuture<ProducerRecord<byte[], byte[]>> handle(ConsumerRecord<byte[], byte[]> r) {
    Inbound.QuestionMessage m;
    Question q;
    try {
      QuestionIntake.Accepted a =
          intake.fromKafka(
              StrictJson.object(r.value(), settings.maxValueBytes(), "value"), principalClaims);
      m = Inbound.QuestionMessage.of(a);
      q = a.question();
    } catch (IllegalArgumentException e) {
      metrics.deadLetter(r.topic(), true);
      return CompletableFuture.completedFuture(
          DeadLetters.of(settings.topics().deadLetters(), r, e.getMessage()));
    }
    // The caller's trace (its traceparent header) continues through the answer record.
    QuestionClock start =
        QuestionClock.start(metrics.observability().traces().extract(r.headers()));
    return ask(q, m)
        .toCompletableFuture()
        .thenApply(
            result -> {
              var trace = metrics.question("kafka", start, result);
              ProducerRecord<byte[], byte[]> answer = answerRecord(m, result);
              metrics.observability().traces().inject(trace, answer.headers());
              return answer;
            });
  }

  private CompletionStage<QuestionResult> ask(Question q, Inbound.QuestionMessage m) {
    SessionService s = sessions;
    if (s != null && m.sessionId().matches("[A-Za-z0-9_.:-]{1,128}")) {
      return s.ask(
              m.sessionId(),
              q.requestId(),
              q.text(),
              q.mode(),
              q.k(),
              q.asker(),
              piecesOf(m),
              q.scope())
          .thenApply(
              t -> {
                // Turn 0: the session did not reply (its node died or it timed out). Answering
                // with that failure would commit it and lose the turn; the batch is retried.
                if (t.turn() == 0
                    && t.result() instanceof QuestionResult.Failed f
                    && f.stage().equals("session")) {
                  throw new SessionUnreachable(m.sessionId(), f.reason());
                }
                return t.result();
              });
    }
    return questions.ask(q, piecesOf(m));
  }

  /**
   * Publishes each piece of an answer as it is generated, in order ({@code seq} from 0), keyed by
   * session like the answers, so one partition keeps a session's pieces in order.
   */
  private TokenListener piecesOf(Inbound.QuestionMessage m) {
    byte[] key = m.sessionId().getBytes(StandardCharsets.UTF_8);
    AtomicInteger seq = new AtomicInteger();
    return piece -> {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("requestId", m.requestId());
      v.put("seq", seq.getAndIncrement());
      v.put("text", piece);
      try {
        streamProducer
            .get()
            .send(
                new ProducerRecord<>(
                    settings.topics().answerStream(), key, MAPPER.writeValueAsBytes(v)));
      } catch (JsonProcessingException | KafkaException e) {
        // A lost piece is not a lost answer: the complete answer follows on the answers topic.
        metrics.error("answer_stream_send");
      }
    };
  }

  private ProducerRecord<byte[], byte[]> answerRecord(
      Inbound.QuestionMessage m, QuestionResult result) {
    byte[] key = m.sessionId().getBytes(StandardCharsets.UTF_8);
    try {
      return new ProducerRecord<>(
          settings.topics().answers(), key, MAPPER.writeValueAsBytes(Outbound.answer(m, result)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write answer JSON", e);
    }
  }

  /** A session gave no reply to a turn; the turn's batch is not committed but asked again. */
  static final class SessionUnreachable extends RuntimeException {
    SessionUnreachable(String sessionId, String reason) {
      super("session " + sessionId + " did not reply: " + reason, null, false, false);
    }
  }
}
