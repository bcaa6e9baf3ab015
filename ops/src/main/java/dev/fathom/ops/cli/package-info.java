/**
 * The command line ({@code fathom ask|search|ingest|serve|bench|eval|generate|model|test}): picocli
 * commands that parse options, build what they need from {@code config}, {@code workspace} and
 * {@code dev.fathom.answer.AnswerStage}, and print. No server or benchmark logic lives here.
 */
package dev.fathom.ops.cli;
