/**
 * Object storage for checkpoints: one small interface with a filesystem implementation (standalone) and an S3 one
 * (distributed), both holding immutable objects under slash-separated keys.
 */
@NullMarked
package dev.quiver.search.objectstore;

import org.jspecify.annotations.NullMarked;
