package dev.fathom.ops.intake;

/**
 * A request Fathom refuses at its edge, with a message naming the field, the value and the legal
 * range. The command line prints it, HTTP answers 400 with it, the question stream dead-letters the
 * message with it: the same text on every path.
 */
public final class IntakeException extends IllegalArgumentException {
  public IntakeException(String message) {
    super(message);
  }
}
