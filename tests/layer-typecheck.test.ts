/**
 * The layer rules are enforced by the type checker too: each layer's tsconfig decides which
 * globals exist. Type-checks small in-memory files with each layer's real compiler options.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The diagnostics of `code`, placed at `path`, compiled with the options of `tsconfig`. */
function diagnose(tsconfig: string, path: string, code: string): string[] {
  const configPath = join(root, tsconfig);
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, join(configPath, '..'));
  const file = join(root, path);
  const host = ts.createCompilerHost(parsed.options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => name === file || fileExists(name);
  host.readFile = (name) => (name === file ? code : readFile(name));
  host.getSourceFile = (name, language, ...rest) =>
    name === file
      ? ts.createSourceFile(name, code, language)
      : getSourceFile(name, language, ...rest);
  // The probe plus the layer's own declaration files (its ambient globals), as in the real program.
  const declarations = parsed.fileNames.filter((name) => name.endsWith('.d.ts'));
  const program = ts.createProgram({
    rootNames: [file, ...declarations],
    options: parsed.options,
    host,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
}

describe('layer tsconfigs', () => {
  it('shared/: plain ES2023, no Node and no DOM', () => {
    const probe = (code: string) => diagnose('shared/tsconfig.json', 'shared/__probe__.ts', code);
    expect(probe('export const x: number[] = [1, 2].toSorted();')).toEqual([]);
    expect(probe("import { readFileSync } from 'node:fs'; export { readFileSync };")).not.toEqual(
      [],
    );
    expect(probe('export const env = process.env;')).not.toEqual([]);
    expect(probe('export const title = document.title;')).not.toEqual([]);
    expect(probe("console.log('hi');")).not.toEqual([]);
  });

  it('src-worker/ (root tsconfig): Node and WebAssembly, no DOM', () => {
    const probe = (code: string) => diagnose('tsconfig.json', 'src-worker/__probe__.ts', code);
    expect(
      probe(
        "import { parentPort } from 'node:worker_threads';\n" +
          'export const m = new WebAssembly.Module(new Uint8Array(8));\n' +
          'export const p = parentPort;',
      ),
    ).toEqual([]);
    expect(probe('export const title = document.title;')).not.toEqual([]);
  });

  it('src-main/: Node, no DOM', () => {
    const probe = (code: string) =>
      diagnose('src-main/tsconfig.json', 'src-main/__probe__.ts', code);
    expect(probe("import { readFile } from 'node:fs/promises'; export { readFile };")).toEqual([]);
    expect(probe('export const w = window.innerWidth;')).not.toEqual([]);
  });

  it('src-renderer/: DOM and React JSX', () => {
    const probe = (code: string) =>
      diagnose('src-renderer/tsconfig.json', 'src-renderer/src/__probe__.tsx', code);
    expect(
      probe(
        'export const title = document.title;\n' +
          'export const el = <div className="x">{window.api?.platform}</div>;',
      ),
    ).toEqual([]);
    expect(probe('export const el = <div class="x" />;')).not.toEqual([]);
  });
});
