/**
 * The agent loop for questions one search cannot answer: IterDRAG (Yue et al., "Inference Scaling
 * for Long-Context Retrieval Augmented Generation", arXiv 2410.04343). A per-question {@link
 * dev.fathom.actors.agent.PlannerActor} asks the language model to decompose the question into
 * sub-questions, asks the ordinary pipeline to retrieve for and answer each one in turn, and asks
 * the model to compose the final answer with citations over every passage the sub-answers used;
 * bounded by an {@link dev.fathom.actors.agent.AgentBudget} of steps and tokens. Without a language
 * model there is no agent: questions go through the pipeline as they always did.
 */
package dev.fathom.actors.agent;
