package dev.fathom.compressors;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Recognises sentences in retrieved text that address a language model rather than inform a reader:
 * the marks of indirect prompt injection (Greshake et al., "Not what you've signed up for:
 * Compromising Real-World LLM-Integrated Applications with Indirect Prompt Injection", AISec 2023;
 * Liu et al., "Formalizing and Benchmarking Prompt Injection Attacks and Defenses", USENIX Security
 * 2024, whose attack families — fake role markers, "ignore previous instructions", context
 * switches, and injected target answers — the patterns below follow).
 *
 * <p>Retrieved text is data. A sentence that matches is not deleted from the index (a document
 * about prompt injection legitimately contains such sentences) but the extractive compressor ranks
 * it below every other sentence, so it cannot push the true answer sentence out of the evidence.
 * Patterns are deliberately narrow (a chat-role word must open the sentence and be followed by a
 * colon; "answer" must be followed by a quoted or upper-case payload): a false positive demotes a
 * useful sentence, a false negative only loses the demotion.
 */
public final class ModelDirectedText {
  private ModelDirectedText() {}

  private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;

  private static final List<Pattern> PATTERNS =
      List.of(
          // Fake chat roles and template tokens: "SYSTEM:", "Assistant:", "<|im_start|>", "[INST]".
          Pattern.compile(
              "^\\W{0,4}(system|assistant|developer|user|human|ai|model)(\\s+(prompt|message|note|"
                  + "override|instruction)s?)?\\s*:",
              FLAGS),
          Pattern.compile(
              "<\\|?(im_start|im_end|system|assistant|user|endoftext)\\|?>|\\[/?INST\\]|<<SYS>>|"
                  + "<start_of_turn>",
              FLAGS),
          // Context override: "ignore (all) previous instructions", "disregard the above".
          Pattern.compile(
              "\\b(ignore|disregard|forget|override|bypass)\\b[^.!?]{0,40}\\b(previous|prior|above|"
                  + "earlier|preceding|all|any|your|the|system)\\b[^.!?]{0,20}\\b(instructions?|"
                  + "prompts?|directions|rules|guidelines|context|messages?)\\b",
              FLAGS),
          Pattern.compile("\\b(new|updated|real|actual|secret|hidden)\\s+instructions?\\b", FLAGS),
          // Exfiltration: "reveal your instructions", "print the system prompt".
          Pattern.compile(
              "\\b(reveal|print|show|repeat|output|leak|disclose|display|tell\\s+me)\\b[^.!?]{0,30}"
                  + "\\b(system\\s+prompt|your\\s+(instructions|prompt|rules|guidelines|system)|"
                  + "the\\s+(instructions|prompt)\\s+(above|you))",
              FLAGS),
          // Speaking to the model: "you are now ...", "as an AI", "assistant, you must ...".
          Pattern.compile(
              "\\b(you\\s+are\\s+(now\\s+)?(an?\\s+)?(ai|assistant|language\\s+model|chatbot|llm)|"
                  + "as\\s+an?\\s+(ai|language\\s+model|assistant)|dear\\s+(ai|assistant|model)|"
                  + "(ai|assistant|language\\s+model|llm|chatbot|model)s?\\s*[,:]?\\s+(must|should|"
                  + "shall|will\\s+now|always|never|are\\s+required)\\b)",
              FLAGS),
          // Injected target answers: "your answer must be ...", "(now) answer PWNED".
          Pattern.compile(
              "\\b(your|the\\s+final)\\s+(answer|response|reply|output)\\s+(must|should|shall|"
                  + "has\\s+to)\\s+(be|say|contain|read|include)\\b",
              FLAGS),
          Pattern.compile(
              // Case-insensitive verb; the upper-case payload ("PWNED") is matched
              // case-sensitively.
              "(?iu:(^\\W{0,4}|\\b(and|then|now|instead|only|always)\\s+)(answer|respond|reply|"
                  + "say|output|print|return|write)\\s+(with\\s+|only\\s+|exactly\\s+)*)"
                  + "(\"[^\"]+\"|'[^']+'|\\p{Lu}[\\p{Lu}\\d_]{2,}\\b)"));

  /** Whether {@code sentence} addresses a language model (see the class comment). */
  public static boolean addressesTheModel(String sentence) {
    for (Pattern p : PATTERNS) if (p.matcher(sentence).find()) return true;
    return false;
  }
}
