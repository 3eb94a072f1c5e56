// ESLint flat config. Two jobs:
//  1. correctness lint at the typescript-eslint "recommended" level (no type-aware rules, no
//     stylistic rules: Prettier owns formatting);
//  2. the layer rules of ARCHITECTURE.md ("Layers"), as ESLint's built-in no-restricted-imports
//     (it understands `import type`, so the renderer may take the preload's PreloadApi type and
//     nothing else from src-main). tests/lint-boundaries.test.ts proves each rule on code placed
//     at virtual paths. Every layer message cites ARCHITECTURE.md.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Source files of every kind ESLint should read (patterns in `files` decide what is linted). */
const CODE = '{js,mjs,cjs,ts,tsx,mts,cts}';

/** Import specifiers are matched with these regexes. Relative paths are matched as written. */
const NODE_BUILTIN = `^(?:node:.*|(?:${builtinModules.join('|')})(?:/.*)?)$`;

/** Every layer message ends by pointing at the map of the layers. */
const cite = (message) => `${message} See ARCHITECTURE.md, "Layers".`;

const restrict = {
  node: (layer) => ({
    regex: NODE_BUILTIN,
    message: cite(`${layer} runs outside Node: no Node built-ins (fs, path, node:*, ...).`),
  }),
  electron: {
    regex: '^electron(?:/.*)?$',
    message: cite(
      "Only src-main/electron/ may import 'electron' (the node must run under plain Node).",
    ),
  },
  react: {
    regex: '^(?:react|react-dom|scheduler)(?:/.*)?$',
    message: cite('React belongs to src-renderer/ only.'),
  },
  anySrc: {
    regex: '(?:^|/)src-(?:main|worker|renderer)(?:/|$)',
    message: cite('shared/ is imported by every process and imports none of them.'),
  },
  mainElectron: {
    regex: '(?:^|/)src-main/electron(?:/|$)',
    message: cite('src-main/electron/ is the desktop shell; nothing outside it may import it.'),
  },
  // From inside src-main, the shell is reached by relative paths such as '../electron/main'.
  // Convention: no other folder under src-main/ is named 'electron'.
  relativeElectronDir: {
    regex: '^\\.{1,2}/(?:.*/)?electron(?:/|$)',
    message: cite('src-main/electron/ is the desktop shell; the node must not import it.'),
  },
  // Inside src-main: the app layer (app/: the UI's node service; cli/: the commands and the
  // processes they start) is built on the services below it and not imported by them.
  appLayer: {
    regex: '^(?:\\.{1,2}/)+(?:app|cli)(?:/|$)',
    message: cite(
      "src-main's services (chain, validator, pool, miner, search, wallet, ...) do not import the app layer (app/, cli/).",
    ),
  },
  renderer: {
    regex: '(?:^|/)src-renderer(?:/|$)',
    message: cite('src-renderer/ is the UI bundle; other layers reach it only through shared/ipc.'),
  },
  worker: {
    regex: '(?:^|/)src-worker(?:/|$)',
    message: cite('The renderer talks to the node through the ipc contract, never to workers.'),
  },
  mainExceptPreload: {
    regex: '(?:^|/)src-main(?!/electron/preload(?:\\.[cm]?[jt]s)?$)(?:/|$)',
    message: cite(
      'The renderer never imports node code (src-main); use the preload API or shared/.',
    ),
  },
  preloadTypesOnly: {
    regex: '(?:^|/)src-main/electron/preload(?:\\.[cm]?[jt]s)?$',
    allowTypeImports: true,
    message: cite("Take only the type from the preload: `import type { PreloadApi } from '...'`."),
  },
};

/** What all of src-main outside the shell must not import (the node runs under plain Node). */
const NODE_LAYER = [
  restrict.electron,
  restrict.react,
  restrict.mainElectron,
  restrict.relativeElectronDir,
  restrict.renderer,
];

/**
 * src-main's services in layers, lowest first (ARCHITECTURE.md, "Inside src-main"): a service
 * folder imports only folders of lower layers (and itself). `workers` is src-main/workers.ts.
 * Every folder of src-main is here or in the app layer (app/, cli/) or the shell (electron/):
 * tests/lint-boundaries.test.ts checks that a new folder is given a place.
 */
export const SERVICE_LAYERS = [
  ['log', 'config', 'dataset', 'desktop', 'update', 'workers'],
  ['storage', 'wallet'],
  ['net'],
  ['chain', 'search'],
  ['validator', 'pool'],
  ['miner'],
];

/** For a service folder: the folders of its own layer and those above it (itself excepted). */
const serviceOrder = (folder) => {
  const layer = SERVICE_LAYERS.findIndex((names) => names.includes(folder));
  const above = SERVICE_LAYERS.slice(layer)
    .flat()
    .filter((name) => name !== folder);
  const lower = SERVICE_LAYERS.slice(0, layer).flat();
  return {
    regex: `^(?:\\.{1,2}/)+(?:${above.join('|')})(?:/|$)`,
    message: cite(
      `In src-main, ${folder}/ may import only the services below it (${lower.join(', ') || 'none'}).`,
    ),
  };
};

const restrictImports = (...patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
});

/** Node globals that code running in Chromium (or in every process) must not touch. */
const NODE_GLOBALS = [
  'process',
  'Buffer',
  'global',
  'require',
  '__dirname',
  '__filename',
  'setImmediate',
  'clearImmediate',
].map((name) => ({
  name,
  message: cite(`'${name}' is a Node global; this layer does not run on Node.`),
}));

/** import() is not checked by no-restricted-imports: keep dynamic imports relative. */
const relativeDynamicImportsOnly = (layer) => ({
  'no-restricted-syntax': [
    'error',
    {
      selector: "ImportExpression[source.type='Literal'][source.value=/^[^.]/]",
      message: cite(`In ${layer}, import() only relative modules; import packages statically.`),
    },
    {
      selector: "ImportExpression[source.type='Literal'][source.value=/src-(main|worker)/]",
      message: cite(`${layer} may not import() node or worker code.`),
    },
  ],
});

export default defineConfig(
  {
    ignores: [
      'out/**',
      'release/**',
      'coverage/**',
      '.data/**',
      '.cache/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts,cts}'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', URL: 'readonly' },
    },
  },

  // --- Layer rules (ARCHITECTURE.md, "Layers"). One block per layer: in flat config a later
  // block replaces an earlier rule's options instead of merging them, so the blocks do not overlap.
  {
    files: [`**/*.${CODE}`],
    ignores: ['shared/**', 'src-main/**', 'src-worker/**', 'src-renderer/**'],
    rules: restrictImports(restrict.electron),
  },
  {
    files: [`shared/**/*.${CODE}`],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      ...restrictImports(
        restrict.node('shared/'),
        restrict.electron,
        restrict.react,
        restrict.anySrc,
      ),
      ...relativeDynamicImportsOnly('shared/'),
      'no-restricted-globals': ['error', ...NODE_GLOBALS],
    },
  },
  {
    // Tests of shared/ run on Node and may read fixtures with node:fs; still no platform layers.
    files: ['shared/**/*.test.ts'],
    rules: restrictImports(restrict.electron, restrict.react, restrict.anySrc),
  },
  {
    files: [`src-worker/**/*.${CODE}`],
    rules: restrictImports(
      restrict.electron,
      restrict.react,
      restrict.mainElectron,
      restrict.renderer,
    ),
  },
  {
    // src-main's services: below the app layer.
    files: [`src-main/**/*.${CODE}`],
    ignores: ['src-main/electron/**', 'src-main/app/**', 'src-main/cli/**', '**/*.test.ts'],
    rules: restrictImports(...NODE_LAYER, restrict.appLayer),
  },
  // Each service folder, in the order of SERVICE_LAYERS. These blocks come after the one above
  // and replace its options for their files, so each repeats the rules of that block.
  ...SERVICE_LAYERS.flat()
    .filter((folder) => folder !== 'workers')
    .map((folder) => ({
      files: [`src-main/${folder}/**/*.${CODE}`],
      ignores: ['**/*.test.ts'],
      rules: restrictImports(...NODE_LAYER, restrict.appLayer, serviceOrder(folder)),
    })),
  {
    // The app layer, and the tests of any src-main folder (they may drive it, e.g. NodeService).
    files: [`src-main/{app,cli}/**/*.${CODE}`, 'src-main/**/*.test.ts'],
    ignores: ['src-main/electron/**'],
    rules: restrictImports(...NODE_LAYER),
  },
  {
    files: [`src-main/electron/**/*.${CODE}`],
    rules: restrictImports(restrict.react, restrict.renderer),
  },
  {
    files: [`src-renderer/**/*.${CODE}`],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...restrictImports(
        restrict.node('src-renderer/'),
        restrict.electron,
        restrict.mainExceptPreload,
        restrict.preloadTypesOnly,
        restrict.worker,
      ),
      ...relativeDynamicImportsOnly('src-renderer/'),
      'no-restricted-globals': ['error', ...NODE_GLOBALS],
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
);
