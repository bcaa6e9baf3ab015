package dev.fathom.actors.agent;

/** Receives each step of the agent loop as it completes (on the planner's thread: return fast). */
@FunctionalInterface
public interface AgentListener {
  AgentListener NONE = step -> {};

  void onStep(AgentStep step);
}
