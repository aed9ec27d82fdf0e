/**
 * What the tests of several modules share: the fuzz targets' time and allocation bounds (docs/robustness.md) and an
 * in-memory cluster state. A plain jar on the test class path, never a bundle.
 */
package dev.herald.testing;
