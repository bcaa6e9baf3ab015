/**
 * Key/value-cache blocks for the language-model engine, eviction policies for long contexts and the
 * session transcript model. Empty until the engine lands; the module exists so the dependency
 * direction of the architecture holds from the first commit.
 */
package dev.fathom.memory;
