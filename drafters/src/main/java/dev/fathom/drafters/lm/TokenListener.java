package dev.fathom.drafters.lm;

/** Receives generated text as it is produced (whole UTF-8 characters, specials left out). */
@FunctionalInterface
public interface TokenListener {
  TokenListener NONE = text -> {};

  void onText(String text);
}
