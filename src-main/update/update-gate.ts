/**
 * When the desktop app may restart into an update. The feed itself (electron-updater) lives in the
 * Electron shell; this decides, with no electron import, so it is tested under plain Node.
 *
 * The rule: an update is downloaded in the background and installed only when the user says so,
 * and never while a submission is on its way to the validators (committed on chain, not yet
 * judged): a restart then would lose the claim's follow-up (resending to validators that missed
 * it, reading the verdict). Asked at such a time, the gate waits, looks again every
 * RECHECK_MS and whenever the node says something finished, and restarts once nothing blocks.
 *
 * What the feed reports later does not undo what is known: once a version is downloaded it stays
 * installable (electron-updater re-reports "available" at each periodic check, and an offline
 * check reports an error), and a restart the user asked for stays asked for.
 */
import type { UpdateStatus } from '../../shared/ipc/contract';

export const RECHECK_MS = 30_000;

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
  private feedState: FeedState = { state: 'idle' };
  private downloaded: string | null = null;
  private requested = false;
  private installing = false;
  private waitingFor: string | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly feed: UpdateFeed,
    /** What must finish before a restart (a person-readable reason), or null when nothing. */
    private readonly busyWith: () => string | null,
    /** Called before installing: stop mining and save the search. */
    private readonly beforeInstall: () => Promise<void>,
    private readonly publish: (status: UpdateStatus) => void,
  ) {
    feed.onState((s) => {
      this.feedState = s;
      if (s.state === 'ready') this.downloaded = s.version;
      this.publish(this.current());
    });
  }

  current(): UpdateStatus {
    if (this.downloaded) {
      return {
        state: this.requested && this.waitingFor ? 'waiting' : 'ready',
        version: this.downloaded,
        waitingFor: this.requested ? this.waitingFor : null,
        error: null,
      };
    }
    const s = this.feedState;
    return s.state === 'error'
      ? { state: 'error', version: null, waitingFor: null, error: s.error }
      : {
          state: s.state,
          version: s.state === 'idle' ? null : s.version,
          waitingFor: null,
          error: null,
        };
  }

  /** The user asked to restart into the update: now, or once nothing blocks it. */
  async install(): Promise<UpdateStatus> {
    if (!this.downloaded) return this.current();
    this.requested = true;
    await this.recheck();
    return this.current();
  }

  /** Something that could have blocked a requested restart has finished: restart if nothing does. */
  async recheck(): Promise<void> {
    if (!this.requested || this.installing) return;
    const busy = this.busyWith();
    if (busy) {
      if (busy !== this.waitingFor) {
        this.waitingFor = busy;
        this.publish(this.current());
      }
      this.timer ??= setInterval(() => void this.recheck(), RECHECK_MS);
      this.timer.unref?.();
      return;
    }
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.waitingFor = null;
    this.installing = true;
    try {
      await this.beforeInstall();
      this.feed.install();
    } finally {
      // quitAndInstall normally ends the process; if it returns or throws, allow another try.
      this.installing = false;
    }
  }

  /** Stops the periodic recheck (the node is closing). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
