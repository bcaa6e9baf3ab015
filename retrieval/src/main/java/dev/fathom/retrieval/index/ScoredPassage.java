package dev.fathom.retrieval.index;

import dev.fathom.retrieval.Passage;

/** A passage with the raw score of the index query that found it. */
public record ScoredPassage(Passage passage, float score) {}
