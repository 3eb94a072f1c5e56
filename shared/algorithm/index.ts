/** The algorithm module's public API: op table, program IR, text format, canonical form, generator. */
export * from './ops';
export * from './program';
export * from './dsl';
export * from './canonical';
export * from './generate';
