package dev.fathom.ops.server;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;

/**
 * Which Kafka client errors end a stream. Everything else that a transaction throws is retriable:
 * abort, rewind to the committed offsets, try again. (Unparseable records are poison, handled
 * before Kafka sees them.)
 */
final class KafkaErrors {

  private KafkaErrors() {}

  /**
   * Fatal: the producer was fenced by a newer instance with the same transactional id (this process
   * is a zombie), lost its sequence state, or the cluster refuses us outright. Retrying cannot
   * help, and continuing could answer a question twice.
   */
  static boolean isFatal(KafkaException e) {
    return e instanceof ProducerFencedException
        || e instanceof FencedInstanceIdException
        || e instanceof OutOfOrderSequenceException
        || e instanceof AuthorizationException
        || e instanceof AuthenticationException
        || e instanceof UnsupportedVersionException
        || e instanceof InvalidConfigurationException;
  }

  /**
   * Fenced: another producer with this node's transactional id, or another consumer with its group
   * instance id, took over (anywhere in the cause chain). The stream restarts instead of stopping,
   * so fencing cannot be used to stop the server.
   */
  static boolean fenced(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ProducerFencedException
          || t instanceof InvalidProducerEpochException
          || t instanceof FencedInstanceIdException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The innermost cause of {@code e}. A transaction that failed on one send later throws only
   * "Cannot execute transactional method because we are in an error state"; the reason (e.g. a
   * record too large for the topic) is its cause.
   */
  static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t;
  }

  /**
   * A send callback that logs why a record could not be sent (the first error of a transaction).
   */
  static Callback logFailure(Logger log) {
    return (metadata, e) -> {
      if (e != null && !(e instanceof TransactionAbortedException))
        log.warn("a record could not be sent: {}", rootCause(e).toString());
    };
  }
}
