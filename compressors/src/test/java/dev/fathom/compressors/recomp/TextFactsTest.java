package dev.fathom.compressors.recomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TextFactsTest {

  @Test
  void factsAgreeWithTheSentenceFeaturesTheyStandFor() {
    Set<String> question = SentenceFeatures.words("When did Gustave Eiffel build it?");
    for (String text :
        List.of(
            "Gustave Eiffel's company built it in March 1889 for 7.8 million francs",
            "(the Iron Lady) was 330 metres tall",
            "which Paris kept")) {
      TextFacts f = TextFacts.of(text);
      assertEquals(
          SentenceFeatures.newCapitalised(text, question), f.newCapitalised(true, question));
      assertEquals(
          SentenceFeatures.newCapitalised(". " + text, question),
          f.newCapitalised(false, question));
      assertEquals(
          AnswerType.newNumbers(text, question.toString()), f.newNumbers(question.toString()));
      assertEquals(text.split("\\s+").length, f.words());
    }
    TextFacts f = TextFacts.of("Gustave Eiffel's company built it in March 1889 for 7.8 million");
    assertEquals(6, f.digits());
    assertTrue(f.year() && f.month() && f.quantity());
    assertEquals(List.of("1889", "7.8"), f.numbers());
  }

  @Test
  void theCacheRemembersAText() {
    var cache = new TextFacts.Cache(2);
    TextFacts a = cache.of("It is 330 metres tall.");
    assertSame(a, cache.of("It is 330 metres tall."));
  }
}
