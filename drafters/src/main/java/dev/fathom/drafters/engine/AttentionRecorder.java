package dev.fathom.drafters.engine;

import dev.fathom.drafters.compute.AttentionSink;

/**
 * Receives attention weights during a forward pass, for in-context ranking and KV-cache eviction:
 * {@link #wants} picks the batch rows, {@link #record} gets the softmax weights of each of their
 * query heads over the cached positions. Called from several threads at once (one per head range);
 * implementations must copy what they keep and be thread-safe. The backend computing the attention
 * calls it ({@link AttentionSink}).
 */
public interface AttentionRecorder extends AttentionSink {}
