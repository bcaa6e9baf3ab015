package dev.fathom.retrieval.index;

import java.util.Map;

/**
 * A {@link PassageStore} that the document stream of {@code fathom serve} can write: besides
 * passages it records, in the same commit, how far each stream partition has been applied, so a
 * lost or deleted store is rebuilt by re-reading the (compacted) documents topic from where it says
 * — the beginning when it says nothing. The embedded {@link PassageIndex} keeps the offsets in its
 * Lucene commit data, {@code dev.fathom.retrieval.solr.SolrPassageStore} in documents of its
 * collection.
 */
public interface StreamStore extends PassageStore {

  /** The record of {@code source} as committed (or written, where the store can tell), or null. */
  FileRecord fileRecord(String source);

  /**
   * Like {@link #commit()}, also recording that the stream was applied up to {@code applied}
   * (partition → next offset to read); partitions not named keep their recorded offset.
   */
  void commit(Map<StreamPartition, Long> applied);

  /** The offsets recorded by the last commit; empty means "read the stream from the beginning". */
  Map<StreamPartition, Long> appliedOffsets();
}
