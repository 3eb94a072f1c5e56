import type { PreloadApi } from '../../src-main/electron/preload';
import type { NodeBridge } from '../../shared/ipc/contract';

/** What the desktop shell may add to the preload API; each part is optional until it does. */
interface DesktopExtras {
  /** The node, over Electron IPC. */
  readonly bridge?: NodeBridge;
  /** Opens the node's log folder in the system file manager. */
  readonly openLogFolder?: () => unknown;
}

declare global {
  interface Window {
    /** Present in the desktop app (set by the preload script); absent in a plain browser. */
    readonly api?: PreloadApi & DesktopExtras;
  }
}
