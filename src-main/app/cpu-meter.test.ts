import { describe, expect, it } from 'vitest';
import { CpuMeter } from './cpu-meter';

describe('CpuMeter', () => {
  it('reads a busy thread as its share of the computer, and idling as little', async () => {
    const meter = new CpuMeter(4);
    // One core busy for 100 ms of CPU time (however long a loaded machine takes to give it).
    const start = process.cpuUsage();
    while (process.cpuUsage(start).user < 100_000);
    const busy = meter.sample();
    // One busy core of four is at most 25% (plus the runtime's own threads).
    expect(busy).toBeGreaterThan(0);
    expect(busy).toBeLessThanOrEqual(40);
    await new Promise((r) => setTimeout(r, 200));
    expect(meter.sample()).toBeLessThan(busy);
  });
});
