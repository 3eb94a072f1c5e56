import { describe, expect, it } from 'vitest';
import { ACTIVE_WITHIN_SECONDS, type Pausable, type PauseReason, PowerGate } from './power-gate';

/** A search that records what it was told (the gate's rule is tested alone here). */
function search(): Pausable & { calls: string[] } {
  let running = true;
  const calls: string[] = [];
  return {
    calls,
    running: () => running,
    pause: () => {
      running = false;
      calls.push('pause');
    },
    resume: () => {
      running = true;
      calls.push('resume');
    },
  };
}

function gate(prefs: { pauseOnBattery: boolean; pauseWhenActive: boolean }) {
  const power = { battery: false, idle: 3600 };
  const changes: Array<PauseReason | null> = [];
  const g = new PowerGate(
    { onBattery: () => power.battery, idleSeconds: () => power.idle },
    () => prefs,
    (r) => changes.push(r),
  );
  return { g, power, changes };
}

describe('PowerGate', () => {
  it('pauses on battery and resumes on mains, saying why', () => {
    const { g, power, changes } = gate({ pauseOnBattery: true, pauseWhenActive: false });
    const s = search();
    g.check(s);
    expect(s.calls).toEqual([]);
    power.battery = true;
    g.check(s);
    g.check(s);
    expect(s.calls).toEqual(['pause']);
    expect(g.pausedFor).toBe('battery');
    power.battery = false;
    g.check(s);
    expect(s.calls).toEqual(['pause', 'resume']);
    expect(changes).toEqual(['battery', null]);
  });

  it('pauses while the person is active and resumes a minute after their last input', () => {
    const { g, power } = gate({ pauseOnBattery: false, pauseWhenActive: true });
    const s = search();
    power.idle = 5;
    g.check(s);
    expect(g.pausedFor).toBe('active');
    power.idle = ACTIVE_WITHIN_SECONDS - 1;
    g.check(s);
    expect(s.calls).toEqual(['pause']);
    power.idle = ACTIVE_WITHIN_SECONDS;
    g.check(s);
    expect(s.calls).toEqual(['pause', 'resume']);
  });

  it('does nothing unless asked, and never resumes a pause the person made', () => {
    const off = gate({ pauseOnBattery: false, pauseWhenActive: false });
    const s = search();
    off.power.battery = true;
    off.power.idle = 0;
    off.g.check(s);
    expect(s.calls).toEqual([]);

    const on = gate({ pauseOnBattery: true, pauseWhenActive: false });
    const mine = search();
    mine.pause(); // by hand
    on.power.battery = true;
    on.g.check(mine);
    on.power.battery = false;
    on.g.check(mine);
    expect(mine.calls).toEqual(['pause']);
  });

  it('lets go when the person takes over, and switches reasons while paused', () => {
    const { g, power, changes } = gate({ pauseOnBattery: true, pauseWhenActive: true });
    const s = search();
    power.idle = 0;
    g.check(s);
    power.battery = true;
    g.check(s);
    expect(changes).toEqual(['active', 'battery']);
    g.forget();
    power.battery = false;
    power.idle = 3600;
    g.check(s);
    expect(s.calls).toEqual(['pause']);
  });
});
