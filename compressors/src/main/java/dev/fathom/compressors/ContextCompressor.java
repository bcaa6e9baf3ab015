package dev.fathom.compressors;

import dev.fathom.retrieval.Hit;
import java.util.List;

/** The compression stage: from retrieved passages to the evidence an answer needs. Thread-safe. */
public interface ContextCompressor {

  /** Selects evidence for {@code question} from {@code hits}; never null, possibly empty. */
  Evidence compress(String question, List<Hit> hits);
}
