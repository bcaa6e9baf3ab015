package dev.fathom.ops.server;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

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
}
