/**
 * A good citizen on the person's computer: the search pauses while the computer runs on battery
 * or while the person uses it (keyboard or mouse within the last minute), if they asked for it in
 * Settings, and resumes by itself once the reason is gone. A pause the person made by hand is
 * theirs: the gate never resumes it.
 *
 * The power source is Electron's powerMonitor in the desktop app (src-main/electron/main.ts);
 * a headless node has none and never pauses for these reasons.
 */

/** What the computer says about itself. */
export interface PowerSource {
  onBattery(): boolean;
  /** Seconds since the last keyboard or mouse input. */
  idleSeconds(): number;
}

export interface PowerPrefs {
  readonly pauseOnBattery: boolean;
  readonly pauseWhenActive: boolean;
}

export type PauseReason = 'battery' | 'active';

/** Input within this many seconds counts as the person using the computer. */
export const ACTIVE_WITHIN_SECONDS = 60;

/** Why the search should rest now, or null. Battery first: it is the costlier of the two. */
export function pauseReason(source: PowerSource, prefs: PowerPrefs): PauseReason | null {
  if (prefs.pauseOnBattery && source.onBattery()) return 'battery';
  if (prefs.pauseWhenActive && source.idleSeconds() < ACTIVE_WITHIN_SECONDS) return 'active';
  return null;
}

/** The search as the gate sees it. */
export interface Pausable {
  /** Whether it runs now (not paused, not stopped). */
  running(): boolean;
  pause(): void;
  resume(): void;
}

export class PowerGate {
  /** Why the gate paused the search; null when it did not (or resumed it since). */
  private reason: PauseReason | null = null;

  constructor(
    private readonly source: PowerSource,
    private readonly prefs: () => PowerPrefs,
    private readonly onChange: (reason: PauseReason | null) => void,
  ) {}

  get pausedFor(): PauseReason | null {
    return this.reason;
  }

  /** Looks once: pauses a running search for a reason, resumes one the gate paused. */
  check(search: Pausable | null): void {
    const why = search ? pauseReason(this.source, this.prefs()) : null;
    if (why && search && this.reason === null && search.running()) {
      search.pause();
      this.set(why);
    } else if (why && this.reason !== null && why !== this.reason) {
      this.set(why); // still paused, for the other reason now
    } else if (!why && this.reason !== null) {
      search?.resume();
      this.set(null);
    }
  }

  /** The person paused, resumed or stopped by hand: the gate lets go of its own pause. */
  forget(): void {
    if (this.reason !== null) this.set(null);
  }

  private set(reason: PauseReason | null): void {
    this.reason = reason;
    this.onChange(reason);
  }
}
