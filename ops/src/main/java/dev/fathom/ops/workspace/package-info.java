/** One data directory and the parts built on it (embedder, index, stages, actor pipeline). */
package dev.fathom.ops.workspace;
