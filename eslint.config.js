// Lint: TypeScript rules plus the layering rule of docs/ARCHITECTURE.md §4, which fails the build:
//   common/ imports nothing of ours (and nothing environment-bound: no node:*, no electron);
//   main/, preload/, renderer/, server-mock/ may import common/ and never each other;
//   renderer/ never imports node:* or electron (it runs in a sandboxed page).
// And the set-top script budget (docs/BENCHMARKS.md, issue 17 part 4): code the renderer bundles
// imports TypeBox by name or as a namespace (`import * as Type`), never its default export (an
// object holding every builder, so none can be dropped), and builds schemas from the plain
// builders only (Record, Intersect, Partial, … go through TypeBox's type engine).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const LAYERS = ['common', 'main', 'preload', 'renderer', 'server-mock'];
const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'url', 'util', 'events', 'stream'];

/** Import patterns a layer may not use: every other layer except common (any depth of ../). */
function forbiddenLayers(layer, allowed) {
  return LAYERS.filter((l) => l !== layer && !allowed.includes(l)).map((other) => ({
    group: [`**/${other}/**`, `**/${other}`],
    message: `Layering (docs/ARCHITECTURE.md §4): ${layer}/ may not import ${other}/. Move shared code to common/.`,
  }));
}

function layerRule(layer, { allowed = ['common'], extra = [] } = {}) {
  return {
    files: [`${layer}/**/*.{ts,tsx,js,mjs}`],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...forbiddenLayers(layer, allowed), ...extra] }],
    },
  };
}

/** TypeBox's default exports (`Type`, `Value`) are objects holding every builder/function, so none can be dropped. */
const typeboxByName = {
  selector: "ImportDeclaration[source.value=/^typebox(\\u002F|$)/] > ImportDefaultSpecifier",
  message: "Import TypeBox by name (`import { Check } from 'typebox/value'`) or as a namespace (`import * as Type from 'typebox'`): the default export keeps all of it in the renderer's script (docs/BENCHMARKS.md, issue 17 part 4).",
};

/** Builders that go through TypeBox's type engine (~60 KB minified with the script parser). */
const ENGINE_BUILDERS = 'Record|Intersect|Partial|Required|Composite|Omit|Pick|Evaluate|KeyOf|Index|Mapped|Conditional|Extends|Script|Module|Interface|Exclude|Extract|Awaited|ReadonlyObject|Instantiate';
const plainSchemas = {
  // Everything the renderer bundles: its own code and common/ (common/ipc.ts only as types, a
  // rule below keeps it so; main/ and server-mock/ validate with it).
  files: ['renderer/src/**/*.{ts,tsx}', 'common/**/*.ts'],
  ignores: ['common/ipc.ts', '**/*.test.ts', '**/*.test.tsx'],
  rules: {
    'no-restricted-syntax': ['error', typeboxByName, {
      selector: `MemberExpression[object.name='Type'][property.name=/^(${ENGINE_BUILDERS})$/]`,
      message: 'Schemas the renderer bundles use the plain builders (Object, Union, Array, …; RecordFromPattern for a record): this one pulls TypeBox\'s type engine into the set-top script (docs/BENCHMARKS.md, issue 17 part 4).',
    }],
  },
};

const ipcByName = { files: ['common/ipc.ts'], rules: { 'no-restricted-syntax': ['error', typeboxByName] } };

/** The renderer imports common/ipc.ts (which validates with the whole of TypeBox) for its types only. */
const ipcTypesOnly = {
  files: ['renderer/**/*.{ts,tsx}'],
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', {
      patterns: [{ group: ['**/common/ipc.ts', '**/common/ipc'], allowTypeImports: true, message: 'renderer/ imports common/ipc.ts with `import type` only: its validators would bring all of TypeBox into the set-top script.' }],
    }],
  },
};

/** …and never the Node-side catalogues (both languages and the ICU parser): it loads its one language. */
const rendererI18n = {
  files: ['renderer/**/*.{ts,tsx}'],
  ignores: ['**/*.test.ts', '**/*.test.tsx'],
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', {
      patterns: [
        ipcTypesOnly.rules['@typescript-eslint/no-restricted-imports'][1].patterns[0],
        { group: ['**/common/i18n/bundled.ts', '**/common/i18n/en.ts', '**/common/i18n/zh-CN.ts', '@formatjs/icu-messageformat-parser'], allowTypeImports: true, message: 'renderer/ loads its language with loadLanguage (common/i18n/index.ts), precompiled at build time (renderer/vite-precompile-messages.ts): both catalogues and the ICU parser would be in the set-top script.' },
      ],
    }],
  },
};

const noEnvironment = (layer) => [
  { group: NODE_BUILTINS, message: `${layer}/ is environment-free: no Node built-ins.` },
  { group: ['electron', 'electron/*', 'electron-store'], message: `${layer}/ may not import Electron.` },
];

export default tseslint.config(
  { ignores: ['node_modules/**', '**/dist/**', 'bench/results/**', 'test-results/**', 'playwright-report/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  layerRule('common', { allowed: [], extra: noEnvironment('common') }),
  layerRule('server-mock'),
  layerRule('main'),
  layerRule('preload'),
  layerRule('renderer', { extra: noEnvironment('renderer') }),
  plainSchemas,
  ipcByName,
  ipcTypesOnly,
  rendererI18n,
  // The build's plugin (Node, at build time) parses the catalogues.
  { files: ['renderer/vite-precompile-messages.ts'], rules: { '@typescript-eslint/no-restricted-imports': 'off' } },
);
