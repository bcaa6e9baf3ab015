package dev.fathom.ops.json;

import dev.fathom.actors.agent.AgentBudget;
import dev.fathom.actors.agent.AgentResult;
import dev.fathom.actors.agent.AgentStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The agent loop's trace as JSON, the same for {@code fathom ask --agent --json} and HTTP. */
public final class AgentJson {

  private AgentJson() {}

  /** {@code {"max_steps","max_tokens","tokens","steps":[...]}}. */
  public static Map<String, Object> trace(AgentResult r, AgentBudget budget) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("max_steps", budget.maxSteps());
    m.put("max_tokens", budget.maxTokens());
    m.put("tokens", r.tokens());
    List<Map<String, Object>> steps = new ArrayList<>();
    for (AgentStep s : r.steps()) steps.add(step(s));
    m.put("steps", steps);
    return m;
  }

  /** {@code {"n","kind","text","answer","sources","tokens","ms"}}. */
  public static Map<String, Object> step(AgentStep s) {
    Map<String, Object> sm = new LinkedHashMap<>();
    sm.put("n", s.n());
    sm.put("kind", s.kind());
    sm.put("text", s.text());
    sm.put("answer", s.answer());
    sm.put("sources", s.sources());
    sm.put("tokens", s.tokens());
    sm.put("ms", s.millis());
    return sm;
  }
}
