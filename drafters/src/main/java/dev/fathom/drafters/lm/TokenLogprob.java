package dev.fathom.drafters.lm;

import java.util.List;

/**
 * The log-probability a server reported for one generated token, with the most likely alternatives
 * at that position when they were asked for ({@code top} is empty otherwise, and within {@code
 * top}).
 */
public record TokenLogprob(String token, double logprob, List<TokenLogprob> top) {
  public TokenLogprob {
    top = List.copyOf(top);
  }
}
