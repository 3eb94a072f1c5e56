import type { PreloadApi } from '../../src-main/electron/preload';

declare global {
  interface Window {
    /** Present in the desktop app (set by the preload script); absent in a plain browser. */
    readonly api?: PreloadApi;
  }
}
