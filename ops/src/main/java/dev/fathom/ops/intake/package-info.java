/**
 * Question intake: the one parser and validator of questions from every door (command line, HTTP,
 * Kafka), with strict types, strict UTF-8 and one error text per rule.
 */
package dev.fathom.ops.intake;
