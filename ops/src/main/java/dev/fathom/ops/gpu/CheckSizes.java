package dev.fathom.ops.gpu;

/**
 * How big each part of the device check is. {@link #FULL} is the GPU run the issue asks for
 * (TinyLlama-shaped models, an 8B-shaped Q4_0 model, RAPID at an 8K context); {@link #QUICK} runs
 * every step on the small synthetic shape so the whole program can be tested on a CPU in about a
 * minute.
 *
 * @param shape synthetic shape of the per-type models (logits and speed)
 * @param bigShape shape of the decode-speed and RAPID model (always Q4_0)
 * @param greedyTokens stories260K tokens generated greedily
 * @param logitsPositions positions of the batched prefill whose logits are compared
 * @param logitsDecode single-token steps after it, compared too
 * @param promptTokens prefill length of the speed runs
 * @param decodeTokens decoded tokens of the speed runs
 * @param runs timed runs of each speed measurement
 * @param longContext tokens the RAPID target reads
 * @param shortContext tokens the RAPID drafter reads
 * @param rapidTokens tokens decoded per RAPID prompt
 * @param rapidPrompts RAPID prompts
 * @param gamma RAPID's most draft tokens per round
 * @param bandwidthMib size of the CPU bandwidth probe's region
 * @param bandwidthPasses passes of the CPU bandwidth probe
 */
record CheckSizes(
    String shape,
    String bigShape,
    int greedyTokens,
    int logitsPositions,
    int logitsDecode,
    int promptTokens,
    int decodeTokens,
    int runs,
    int longContext,
    int shortContext,
    int rapidTokens,
    int rapidPrompts,
    int gamma,
    int bandwidthMib,
    int bandwidthPasses) {

  /**
   * The GPU run. stories260K: BOS + "Once upon a time" and 255 tokens (llama2.c's published run
   * length). RAPID: 8,192 tokens for the target, 512 for the drafter (RAPID's evaluation uses long
   * contexts of 8K–120K with retrieved drafts of a few thousand tokens; the drafter here reads a
   * 1/16 slice).
   */
  static final CheckSizes FULL =
      new CheckSizes("tinyllama", "llama8b", 255, 16, 4, 128, 64, 3, 8192, 512, 64, 2, 10, 512, 10);

  /** Every step, on the small shape (dim 256, 2 layers, 512 positions). */
  static final CheckSizes QUICK =
      new CheckSizes("small", "small", 32, 8, 2, 16, 8, 1, 256, 32, 16, 1, 4, 512, 3);
}
