/**
 * When the desktop app may restart into an update. The feed itself (electron-updater) lives in the
 * Electron shell; this decides, with no electron import, so it is tested under plain Node.
 *
 * The rule: an update is downloaded in the background and installed only when the user says so,
 * and never while a submission is on its way to the validators (committed on chain, not yet
 * judged): a restart then would lose the claim's follow-up (resending to validators that missed
 * it, reading the verdict). Asked at such a time, the gate waits and restarts once the verdict is
 * in.
 */
import type { UpdateStatus } from '../../shared/ipc/contract';

/** What the shell's update feed reports. */
export type FeedState =
  | { readonly state: 'idle' }
  | { readonly state: 'available'; readonly version: string }
  | { readonly state: 'ready'; readonly version: string }
  | { readonly state: 'error'; readonly error: string };

/** The update feed as the shell provides it (electron-updater's autoUpdater behind it). */
export interface UpdateFeed {
  /** Looks for an update and downloads it; reports through `onState`. The shell calls it. */
  check(): void;
  /** Quits and installs the downloaded update. */
  install(): void;
  onState(listener: (state: FeedState) => void): void;
}

export class UpdateGate {
  private status: UpdateStatus = { state: 'idle', version: null, waitingFor: null, error: null };

  constructor(
    private readonly feed: UpdateFeed,
    /** What must finish before a restart (a person-readable reason), or null when nothing. */
    private readonly busyWith: () => string | null,
    /** Called before installing: stop mining and save the search. */
    private readonly beforeInstall: () => Promise<void>,
    private readonly publish: (status: UpdateStatus) => void,
  ) {
    feed.onState((s) => {
      if (this.status.state === 'waiting' && s.state === 'ready') return;
      this.set(
        s.state === 'error'
          ? { state: 'error', version: this.status.version, waitingFor: null, error: s.error }
          : {
              state: s.state,
              version: s.state === 'idle' ? null : s.version,
              waitingFor: null,
              error: null,
            },
      );
    });
  }

  current(): UpdateStatus {
    return this.status;
  }

  /** The user asked to restart into the update. */
  async install(): Promise<UpdateStatus> {
    if (this.status.state !== 'ready' && this.status.state !== 'waiting') return this.status;
    const busy = this.busyWith();
    if (busy) {
      this.set({ ...this.status, state: 'waiting', waitingFor: busy });
      return this.status;
    }
    await this.beforeInstall();
    this.feed.install();
    return this.status;
  }

  /** Something that could have blocked a waiting restart has finished. */
  async recheck(): Promise<void> {
    if (this.status.state !== 'waiting') return;
    const busy = this.busyWith();
    if (busy) {
      if (busy !== this.status.waitingFor) this.set({ ...this.status, waitingFor: busy });
      return;
    }
    this.set({ ...this.status, state: 'ready', waitingFor: null });
    await this.install();
  }

  private set(status: UpdateStatus): void {
    this.status = status;
    this.publish(status);
  }
}
