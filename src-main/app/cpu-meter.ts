/**
 * The node's CPU use, as a person reads it in a task manager: the share of the whole computer
 * (all cores) the process used since the last reading. process.cpuUsage counts every thread of
 * the process, the search's worker threads included.
 */
import { availableParallelism } from 'node:os';

export class CpuMeter {
  private last = { cpu: process.cpuUsage(), at: process.hrtime.bigint() };

  constructor(private readonly cores = availableParallelism()) {}

  /** Percent of the computer since the previous call (or since the meter was made), 0–100. */
  sample(): number {
    const now = { cpu: process.cpuUsage(), at: process.hrtime.bigint() };
    const usedMicros = now.cpu.user - this.last.cpu.user + (now.cpu.system - this.last.cpu.system);
    const wallMicros = Number(now.at - this.last.at) / 1000;
    this.last = now;
    if (wallMicros <= 0) return 0;
    return Math.min(100, Math.max(0, (usedMicros / (wallMicros * this.cores)) * 100));
  }
}
