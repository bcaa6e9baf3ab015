package dev.fathom.drafters.local;

import dev.fathom.drafters.lm.StopStrings;
import dev.fathom.drafters.lm.TokenListener;
import dev.fathom.drafters.tokenizer.StreamingDecoder;
import dev.fathom.drafters.tokenizer.Tokenizer;
import java.util.List;

/**
 * Turns generated tokens into streamed text: whole UTF-8 characters, special tokens left out, text
 * held back while it could still become a stop string, and nothing after a stop string.
 */
final class TextEmitter {
  private final StreamingDecoder decoder;
  private final StopStrings stops;
  private final TokenListener listener;
  private final StringBuilder text = new StringBuilder();

  TextEmitter(Tokenizer tokenizer, boolean afterBos, List<String> stopStrings, TokenListener l) {
    this.decoder = new StreamingDecoder(tokenizer, afterBos);
    this.stops = new StopStrings(stopStrings);
    this.listener = l;
  }

  /** Emits a token's text; false once a stop string matched. */
  boolean accept(int token) {
    emit(stops.accept(decoder.accept(token)));
    return !stops.matched();
  }

  /** Emits what was held back; call once at the end. */
  void finish() {
    if (!stops.matched()) {
      emit(stops.accept(decoder.flush()));
      emit(stops.flush());
    }
  }

  boolean stoppedByString() {
    return stops.matched();
  }

  String text() {
    return text.toString();
  }

  private void emit(String s) {
    if (!s.isEmpty()) {
      text.append(s);
      listener.onText(s);
    }
  }
}
