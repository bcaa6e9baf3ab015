/**
 * The prepared GPU device check ({@code gpu/device-check.sh}, docs/gpu.md): one program that runs
 * on a machine with no JDK and no network, from a bundle of a jlink'd runtime and the few jars the
 * engine needs, and writes everything it measured as JSON. {@link dev.fathom.ops.gpu.DeviceCheck}
 * plans and time-boxes the steps; each step runs in its own JVM ({@link
 * dev.fathom.ops.gpu.DeviceCheckStep}), because the engine's compute backend is chosen once per JVM
 * and because a step that hangs in a device call can only be stopped by ending its process.
 *
 * <p>Only the engine path is on the bundle's class path (this module's jar for these classes and
 * {@code dev.fathom.ops.bench}, drafters, memory, JCuda, Jackson, SLF4J): classes here must not
 * reach Lucene, Kafka, Pekko or ONNX, which {@code DeviceCheckIT} checks by running the program
 * from the bundle itself.
 */
package dev.fathom.ops.gpu;
