package dev.fathom.ops.cli;

/** Checks a question before any work is done. */
final class Questions {
  private Questions() {}

  static String validate(String text, int maxChars) {
    String q = text == null ? "" : text.strip();
    if (q.isEmpty()) {
      throw new ErrorHandler.UserError(
          "the question is empty: give it as an argument, e.g. fathom ask \"What is RECOMP?\"");
    }
    if (q.length() > maxChars) {
      throw new ErrorHandler.UserError(
          String.format(
              "the question is %,d characters long; the limit is %,d (fathom.ask.max-question-chars)",
              q.length(), maxChars));
    }
    return q;
  }
}
