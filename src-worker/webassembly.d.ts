/**
 * The part of the WebAssembly JavaScript API the evaluator uses, for the layers that type-check
 * without the DOM library (src-worker, src-main, scripts, tests): TypeScript declares WebAssembly
 * only in lib.dom and @types/node 20 not at all. Written for this project from the WebAssembly
 * JS API specification; extend it as the code needs more. Not for src-renderer, which has lib.dom.
 */
declare namespace WebAssembly {
  type ImportValue = ((...args: never[]) => unknown) | Memory | number;
  type ModuleImports = Record<string, ImportValue>;
  type Imports = Record<string, ModuleImports>;
  type Exports = Record<string, unknown>;

  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }

  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer;
    /** Grows by `delta` 64 KiB pages; returns the previous size in pages. */
    grow(delta: number): number;
  }

  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
  }

  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Exports;
  }

  function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
}
