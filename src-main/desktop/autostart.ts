/**
 * Start at login on Linux. Electron's app.setLoginItemSettings covers macOS and Windows only; on
 * Linux desktops the convention is an XDG autostart entry: a .desktop file in
 * $XDG_CONFIG_HOME/autostart (default ~/.config/autostart) that the session starts at login.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Autostart {
  get(): boolean;
  set(on: boolean): void;
}

export function autostartFile(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  const config = env['XDG_CONFIG_HOME'];
  const base = config && path.isAbsolute(config) ? config : path.join(home, '.config');
  return path.join(base, 'autostart', 'sota-miner.desktop');
}

/**
 * An Exec argument quoted per the Desktop Entry spec: in double quotes, with " ` $ and \
 * preceded by a backslash, and % doubled (field codes).
 */
function quoteExecArgument(arg: string): string {
  return `"${arg.replace(/["`$\\]/g, (c) => `\\${c}`).replace(/%/g, '%%')}"`;
}

/** The spec's string escaping, applied to the whole value after quoting: a backslash doubles. */
function desktopEntryString(value: string): string {
  return value.replace(/\\/g, '\\\\');
}

/** `command`: what to start (an AppImage's own path, else the installed executable). */
export function linuxAutostart(command: string, file = autostartFile()): Autostart {
  return {
    get: () => existsSync(file),
    set: (on) => {
      if (!on) {
        rmSync(file, { force: true });
        return;
      }
      mkdirSync(path.dirname(file), { recursive: true });
      const exec = `${desktopEntryString(quoteExecArgument(command))} --hidden`;
      writeFileSync(
        file,
        [
          '[Desktop Entry]',
          'Type=Application',
          'Name=sota-miner',
          'Comment=AutoML-Zero miner for a Bittensor subnet',
          `Exec=${exec}`,
          'X-GNOME-Autostart-enabled=true',
          '',
        ].join('\n'),
      );
    },
  };
}
