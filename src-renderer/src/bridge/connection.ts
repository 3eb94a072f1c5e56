/**
 * What the UI holds on to: a NodeBridge plus the state of the line to the node, whichever shell
 * carries it (Electron's preload bridge is always connected; the WebSocket one comes and goes).
 */
import type { NodeBridge } from '../../../shared/ipc/contract';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'unauthorized';

export interface BridgeConnection extends NodeBridge {
  /** The current state of the connection. */
  readonly state: ConnectionState;
  /** Called on every change of `state`; returns an unsubscribe function. */
  onState(listener: (state: ConnectionState) => void): () => void;
  /** Stops for good: closes the line, stops reconnecting, fails calls still waiting. */
  close(): void;
}

/** The desktop app's preload bridge: in-process IPC, so always connected. */
export function desktopConnection(bridge: NodeBridge): BridgeConnection {
  return {
    call: (command, ...args) => bridge.call(command, ...args),
    on: (event, listener) => bridge.on(event, listener),
    state: 'connected',
    onState: () => () => undefined,
    close: () => undefined,
  };
}
