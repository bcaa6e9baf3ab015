package dev.fathom.memory;

/**
 * Which KV eviction policy a loaded model uses for requests longer than a budget, from the system
 * properties {@value #POLICY_PROPERTY} ({@code none}, {@code streaming-llm}, {@code h2o}; default
 * {@code none}) and {@value #BUDGET_PROPERTY} (positions kept).
 *
 * @param policy the policy
 * @param budget most KV positions a request keeps (at least the policy's minimum)
 */
public record KvEvictionSettings(KvEvictionPolicy policy, int budget) {
  public static final String POLICY_PROPERTY = "fathom.engine.kv-eviction";
  public static final String BUDGET_PROPERTY = "fathom.engine.kv-budget";

  /** StreamingLLM's sinks (the paper's 4). */
  public static final int SINKS = 4;

  public KvEvictionSettings {
    if (budget < policy.minBudget()) {
      throw new IllegalArgumentException(
          "a KV budget of "
              + budget
              + " positions is below "
              + policy.name()
              + "'s minimum of "
              + policy.minBudget());
    }
  }

  /** The configured settings, or null when eviction is off (the default). */
  public static KvEvictionSettings fromSystemProperties() {
    String name = System.getProperty(POLICY_PROPERTY, "none").strip();
    if (name.isEmpty() || name.equalsIgnoreCase("none")) {
      return null;
    }
    String budget = System.getProperty(BUDGET_PROPERTY);
    if (budget == null) {
      throw new IllegalArgumentException(
          POLICY_PROPERTY + "=" + name + " needs " + BUDGET_PROPERTY + " (positions kept)");
    }
    try {
      return new KvEvictionSettings(
          KvEvictionPolicy.parse(name, SINKS), Integer.parseInt(budget.strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          BUDGET_PROPERTY + " must be a whole number of positions, got '" + budget + "'", e);
    }
  }
}
