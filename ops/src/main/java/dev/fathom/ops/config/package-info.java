/** The typed configuration, read once from HOCON ({@code application.conf}). */
package dev.fathom.ops.config;
