/**
 * Google's C++ AutoML-Zero on this machine kind, one core: the figures the benchmarks print their
 * ratios against, kept in one place. They are a reminder, not the judge: every ratio reported in
 * BENCHMARKS.md is measured side by side with ../shared/cpp-reference (measure.sh alternates the
 * C++ and this project on the same machine), because absolute speeds drift between machines.
 *
 * Measured 2026-12-02 (issue #13): commit ba7c5b1 of the automl_zero fork, g++ -O3, medians of 3
 * alternating runs on an idle machine. The earlier 2.18 M / 15.2 M / 73 / 208 were measured low
 * and are retired.
 */
export const CPP_REFERENCE = {
  measured: '2026-12-02',
  /** Training steps per second of generator.cc's 2-layer NN (F = 16) and linear model. */
  nnStepsPerSec: 3.28e6,
  linearStepsPerSec: 24.1e6,
  /** Individuals per second of run_baseline.sh's search, first 60 s, without and with FEC. */
  searchPerSecWithoutFec: 131,
  searchPerSecWithFec: 334,
} as const;
