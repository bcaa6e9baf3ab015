/**
 * {@code fathom serve}: the Kafka streams (documents in, questions in, answers and answer pieces
 * out, with exactly-once answers), their clients ({@link dev.fathom.ops.server.KafkaClients}), the
 * embedded broker and the HTTP API (Pekko HTTP, OpenAI-compatible chat completions, metrics).
 */
package dev.fathom.ops.server;
