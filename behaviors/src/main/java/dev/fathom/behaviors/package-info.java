/**
 * The behavior handbook mined from reasoning traces (metacognitive reuse, arXiv 2509.13237). Empty
 * until the handbook lands.
 */
package dev.fathom.behaviors;
