/**
 * The shared local-cloud test fixture (used by every module's {@code *IT} with test scope): one place that knows
 * the endpoints, refuses non-loopback endpoints unless {@code SENSORPIPE_TEST_ALLOW_REMOTE=true}, creates tables
 * from {@link io.sensorpipe.contract.Tables}, and records the AWS operations each component calls.
 */
package io.sensorpipe.testkit;
