package dev.fathom.drafters.compute;

/**
 * Receives the softmax weights of attention as a backend computes them (the hook behind {@code
 * dev.fathom.drafters.engine.AttentionRecorder}). Called from several threads at once; an
 * implementation copies what it keeps.
 */
public interface AttentionSink {
  /** Whether weights of batch row {@code index} (0-based within the forward call) are wanted. */
  boolean wants(int index);

  /**
   * The softmax weights of one query head over key positions {@code 0 .. length-1}.
   *
   * @param layer transformer block
   * @param head query head
   * @param index batch row of the query (0-based within the forward call)
   * @param weights the weights, in {@code weights[0 .. length)}; only valid during the call
   */
  void record(int layer, int head, int index, float[] weights, int length);
}
