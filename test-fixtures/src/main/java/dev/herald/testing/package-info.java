/**
 * What the tests of several modules share (docs/robustness.md): the fuzz targets' time and allocation bounds. A
 * plain jar on the test class path, never a bundle.
 */
package dev.herald.testing;
