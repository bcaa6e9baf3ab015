package dev.fathom.compressors.recomp;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The kind of answer a question expects and whether a sentence holds that kind of thing: the
 * answer-type signal of classic question answering (Li and Roth, "Learning Question Classifiers",
 * COLING 2002), reduced to the coarse classes a SQuAD answer sentence shows on its surface. A
 * "when" question's answer sentence has a year or a month, a "how many" question's a number the
 * question does not already contain, a "who" or "where" question's a name the question does not
 * already say.
 */
final class AnswerType {

  private static final Pattern NUMBER_TOKEN = Pattern.compile("\\d[\\d,.]*");
  private static final Pattern MONTH =
      Pattern.compile(
          "\\b(January|February|March|April|May|June|July|August|September|October|November"
              + "|December)\\b");
  private static final Pattern QUANTITY =
      Pattern.compile(
          "%|\\$|£|€|\\b(percent|million|billion|thousand|hundred|dozen|one|two|three|four|five"
              + "|six|seven|eight|nine|ten|twenty|fifty)\\b",
          Pattern.CASE_INSENSITIVE);

  private AnswerType() {}

  /**
   * The kind of answer the question expects, from its wh-phrase (Li and Roth, COLING 2002, coarse
   * classes): 1 a time, 2 a quantity, 3 a person, 4 a place, 0 anything else.
   */
  static int of(String question) {
    String q = " " + question.toLowerCase(Locale.ROOT).replaceAll("[^a-z ]", " ") + " ";
    if (q.matches(
        ".* (when|what year|which year|what century|what decade|what date|what day) .*")) {
      return 1;
    }
    if (q.matches(
        ".* (how (many|much|long|old|far|big|large|high|tall)|what (percentage|percent|number"
            + "|amount|proportion)) .*")) {
      return 2;
    }
    if (q.matches(".* (who|whom|whose) .*")) return 3;
    if (q.matches(".* (where|what (city|country|state|region|place|county|town|continent)) .*")) {
      return 4;
    }
    return 0;
  }

  /** Number tokens of the sentence that the question does not already contain. */
  static int newNumbers(String sentence, String question) {
    int count = 0;
    var m = NUMBER_TOKEN.matcher(sentence);
    while (m.find()) if (!question.contains(m.group())) count++;
    return count;
  }

  /** Whether the sentence names a month. */
  static boolean hasMonth(String sentence) {
    return MONTH.matcher(sentence).find();
  }

  /** Whether the sentence has a quantity word: per cent, a currency, million, a spelled number. */
  static boolean hasQuantity(String sentence) {
    return QUANTITY.matcher(sentence).find();
  }
}
