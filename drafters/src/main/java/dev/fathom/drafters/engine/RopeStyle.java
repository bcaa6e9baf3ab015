package dev.fathom.drafters.engine;

/**
 * Which pairs of a head's dimensions RoPE rotates together (Su et al., "RoFormer", eq. 34).
 *
 * <p>llama.cpp's converters permute Llama's Q/K rows so that GGUF llama models rotate adjacent
 * pairs ({@link #ADJACENT}, llama.cpp's {@code LLAMA_ROPE_TYPE_NORM}, also llama2.c's layout);
 * Qwen2 keeps the Hugging Face layout that rotates dimension {@code j} with {@code j + headSize/2}
 * ({@link #HALVES}, llama.cpp's {@code NEOX}).
 */
public enum RopeStyle {
  ADJACENT,
  HALVES
}
