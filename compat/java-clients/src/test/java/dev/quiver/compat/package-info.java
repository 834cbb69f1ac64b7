/**
 * Integration tests that run real Java Chroma clients (Spring AI, LangChain4j) against Quiver.
 */
@NullMarked
package dev.quiver.compat;

import org.jspecify.annotations.NullMarked;
