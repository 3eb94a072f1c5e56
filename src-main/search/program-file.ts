/** Reads a DSL program file with errors that name the file, line and column. */
import { readFile, stat } from 'node:fs/promises';
import { DEFAULT_MAX_DSL_BYTES, parseProgram } from '../../shared/algorithm/dsl';
import type { Program } from '../../shared/algorithm/program';

export class ProgramFileError extends Error {
  override readonly name = 'ProgramFileError';
}

export async function readProgramFile(file: string): Promise<Program> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new ProgramFileError(`${file}: no such program file`);
  }
  if (size > DEFAULT_MAX_DSL_BYTES) {
    throw new ProgramFileError(
      `${file}: ${size} bytes, programs are limited to ${DEFAULT_MAX_DSL_BYTES}`,
    );
  }
  let text: string;
  try {
    text = await readFile(file, 'latin1');
  } catch (e) {
    // Node's messages for a folder or a file without read permission do not all name the file.
    throw new ProgramFileError(`${file}: cannot read it (${(e as Error).message})`, {
      cause: e,
    });
  }
  const result = parseProgram(text);
  if (!result.ok) {
    const lines = result.errors.map((e) => `${file}:${e.line}:${e.column}: ${e.message}`);
    throw new ProgramFileError(lines.join('\n'));
  }
  return result.program;
}
