/**
 * Finds the node: the desktop app's preload bridge when there is one, else the WebSocket bridge of
 * the headless node that served this page.
 */
import type { NodeBridge } from '../../../shared/ipc/contract';
import { desktopConnection } from './connection';
import type { BridgeConnection } from './connection';
import { bridgeUrl, takeAccessToken } from './token';
import { wsBridge } from './wsBridge';

export type { BridgeConnection, ConnectionState } from './connection';
export { forgetAccessToken } from './token';

export type BridgeResolution =
  | { readonly kind: 'ready'; readonly bridge: BridgeConnection }
  /** A browser tab opened without the node's access token. */
  | { readonly kind: 'missing-token' }
  /** The desktop app, but its preload offers no bridge (an older shell). */
  | { readonly kind: 'desktop-without-bridge' };

export class MissingTokenError extends Error {
  override readonly name = 'MissingTokenError';
  constructor() {
    super(
      "Open the address in the dashboard-url file of the node's data folder: the node names that file when it starts (the address contains an access token).",
    );
  }
}

let resolved: BridgeResolution | null = null;

/** Resolves once per page load; later calls return the same bridge. */
export function resolveBridge(): BridgeResolution {
  if (resolved) return resolved;
  const api = window.api;
  const desktop: NodeBridge | undefined = api?.bridge;
  if (desktop) {
    resolved = { kind: 'ready', bridge: desktopConnection(desktop) };
  } else if (api) {
    resolved = { kind: 'desktop-without-bridge' };
  } else {
    const token = takeAccessToken();
    resolved = token
      ? { kind: 'ready', bridge: wsBridge(bridgeUrl(token)) }
      : { kind: 'missing-token' };
  }
  return resolved;
}

/** The node bridge; throws MissingTokenError when a browser tab has no access token. */
export function getBridge(): BridgeConnection {
  const r = resolveBridge();
  if (r.kind === 'ready') return r.bridge;
  if (r.kind === 'missing-token') throw new MissingTokenError();
  throw new Error('This desktop app offers no node bridge.');
}
