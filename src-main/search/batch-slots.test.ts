import { describe, expect, it } from 'vitest';
import { BatchSlots } from './batch-slots';

describe('BatchSlots', () => {
  it('runs at most as many holders as slots, and then the highest priority first', async () => {
    const slots = new BatchSlots(2);
    const started: string[] = [];
    const take = (name: string, priority: number) =>
      slots.acquire(priority).then((release) => {
        started.push(name);
        return release;
      });
    const a = take('a', 1);
    const b = take('b', 1);
    const c = take('c', 5);
    const d = take('d', Infinity);
    const e = take('e', 5);
    const [releaseA, releaseB] = [await a, await b];
    expect(started).toEqual(['a', 'b']);
    releaseA();
    releaseA(); // a second release of the same slot changes nothing
    const releaseD = await d;
    expect(started).toEqual(['a', 'b', 'd']);
    releaseB();
    releaseD();
    await Promise.all([c, e]);
    // Equal priorities keep their arrival order.
    expect(started).toEqual(['a', 'b', 'd', 'c', 'e']);
  });

  it('resizes while held: fewer slots start nothing until enough are given back, more start at once', async () => {
    const slots = new BatchSlots(2);
    const started: string[] = [];
    const take = (name: string) =>
      slots.acquire(1).then((release) => {
        started.push(name);
        return release;
      });
    const [releaseA, releaseB] = [await take('a'), await take('b')];
    slots.resize(1);
    const c = take('c');
    releaseA(); // one still held (b) = the new limit: c waits
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual(['a', 'b']);
    releaseB();
    const releaseC = await c;
    expect(started).toEqual(['a', 'b', 'c']);
    const d = take('d');
    slots.resize(2); // room for d beside c
    await d;
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    releaseC();
  });
});
