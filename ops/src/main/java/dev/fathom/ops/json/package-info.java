/** The JSON shapes Fathom prints and serves ({@code --json}, HTTP, Kafka answers), in one place. */
package dev.fathom.ops.json;
