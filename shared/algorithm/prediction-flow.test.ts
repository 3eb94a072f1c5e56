import { describe, expect, it } from 'vitest';
import { parseProgramOrThrow } from './dsl';
import { readsSquashedPrediction } from './prediction-flow';

const program = (predict: string, learn: string) =>
  parseProgramOrThrow(
    `def Setup():\n  s2 = 0.01\ndef Predict():\n${predict}\ndef Learn():\n${learn}\n`,
  );

describe('readsSquashedPrediction', () => {
  it('is true when Learn reads s1 (the linear model learns from the error s0 - s1)', () => {
    expect(readsSquashedPrediction(program('  s1 = dot(v1, v0)', '  s3 = s0 - s1'))).toBe(true);
    // As the second operand too, and even when the result is dead.
    expect(readsSquashedPrediction(program('  s1 = dot(v1, v0)', '  s4 = s2 * s1'))).toBe(true);
  });

  it('is false when Learn never reads s1 and Predict writes it first', () => {
    expect(
      readsSquashedPrediction(program('  s1 = dot(v1, v0)', '  v2 = s0 * v0\n  v1 = v1 + v2')),
    ).toBe(false);
    // s1 as a vector or matrix index is another register.
    expect(readsSquashedPrediction(program('  s1 = dot(v1, v0)', '  v1 = v1 + v1'))).toBe(false);
  });

  it('is false when Learn overwrites s1 before reading it', () => {
    expect(
      readsSquashedPrediction(program('  s1 = s1 + s2', '  s1 = s0 * s2\n  s3 = s1 + s1')),
    ).toBe(false);
  });

  it('follows s1 into the next Predict when Learn leaves it alone', () => {
    expect(readsSquashedPrediction(program('  s1 = s1 + s2', '  s3 = s0 * s2'))).toBe(true);
    expect(readsSquashedPrediction(program('  s3 = dot(v1, v0)\n  s1 = s3 * s1', ''))).toBe(true);
    // Predict that never writes s1 predicts the previous (squashed) value again.
    expect(readsSquashedPrediction(program('  s3 = dot(v1, v0)', ''))).toBe(true);
  });
});
