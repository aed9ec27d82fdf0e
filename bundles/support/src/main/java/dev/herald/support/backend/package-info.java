/**
 * What the backend bundles share: {@link dev.herald.support.backend.RunningServers}, the servers a factory handed out
 * and how they stop with its bundle. Embedded privately (bnd {@code -conditionalpackage}), never exported.
 */
package dev.herald.support.backend;
