import { describe, expect, it } from 'vitest';
import { decide } from './agreement';

describe('decide', () => {
  it('waits until two miners agree, then credits them and names the dissenter', () => {
    expect(decide([{ miner: 'a', digest: 'x' }])).toEqual({ state: 'pending' });
    expect(
      decide([
        { miner: 'a', digest: 'x' },
        { miner: 'c', digest: 'bad' },
      ]),
    ).toEqual({
      state: 'pending',
    });
    expect(
      decide([
        { miner: 'a', digest: 'x' },
        { miner: 'c', digest: 'bad' },
        { miner: 'b', digest: 'x' },
      ]),
    ).toEqual({ state: 'accepted', digest: 'x', agreeing: ['a', 'b'], dissenters: ['c'] });
  });

  it('does not let one miner outvote others with copies of its own answer', () => {
    const d = decide([
      { miner: 'cheat', digest: 'bad' },
      { miner: 'cheat', digest: 'bad' },
      { miner: 'cheat', digest: 'bad' },
      { miner: 'a', digest: 'x' },
    ]);
    expect(d).toEqual({ state: 'pending' });
  });

  it('counts agreement between owners, not hotkeys', () => {
    // Two hotkeys of one coldkey return the same made-up result: not an agreement.
    const sybil = [
      { miner: 'h1', owner: 'mallory', digest: 'bad' },
      { miner: 'h2', owner: 'mallory', digest: 'bad' },
    ];
    expect(decide(sybil)).toEqual({ state: 'pending' });
    expect(decide([...sybil, { miner: 'a', owner: 'alice', digest: 'x' }])).toEqual({
      state: 'pending',
    });
    expect(
      decide([...sybil, { miner: 'a', owner: 'alice', digest: 'x' }, { miner: 'b', digest: 'x' }]),
    ).toEqual({ state: 'accepted', digest: 'x', agreeing: ['a', 'b'], dissenters: ['h1'] });
  });

  it('calls three different answers a dispute, to be issued again', () => {
    expect(
      decide([
        { miner: 'a', digest: 'x' },
        { miner: 'b', digest: 'y' },
        { miner: 'c', digest: 'z' },
      ]),
    ).toEqual({ state: 'disputed', dissenters: ['a', 'b', 'c'] });
  });

  it('accepts neither side of a tie', () => {
    const rule = { replicas: 4, agree: 2 };
    const tie = [
      { miner: 'a', digest: 'x' },
      { miner: 'b', digest: 'x' },
      { miner: 'c', digest: 'y' },
      { miner: 'd', digest: 'y' },
    ];
    expect(decide(tie, rule)).toEqual({ state: 'disputed', dissenters: ['a', 'b', 'c', 'd'] });
    expect(decide([...tie, { miner: 'e', digest: 'y' }], rule)).toMatchObject({
      state: 'accepted',
      digest: 'y',
    });
  });

  it('rejects a rule that one answer could satisfy', () => {
    expect(() => decide([], { replicas: 3, agree: 1 })).toThrow(/agree must be in 2\.\.3/);
  });
});
