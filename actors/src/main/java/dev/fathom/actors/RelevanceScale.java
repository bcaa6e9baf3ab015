package dev.fathom.actors;

import dev.fathom.retrieval.Hit;
import dev.fathom.retrieval.SearchMode;
import dev.fathom.retrieval.search.Retriever;
import java.util.List;
import java.util.Map;

/**
 * Puts retrieved hits on the 0–1 relevance scale people see (passage id → relevance); in the
 * pipeline, the retriever's own {@link Retriever#relevance}, since only it knows its RRF settings.
 * Pure arithmetic on the hits, so a coordinator may call it on its own thread.
 */
@FunctionalInterface
public interface RelevanceScale {

  /** No scale: answers carry no relevance. */
  RelevanceScale NONE = (hits, mode) -> Map.of();

  Map<String, Double> of(List<Hit> hits, SearchMode mode);
}
