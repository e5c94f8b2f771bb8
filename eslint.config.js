// Lint: TypeScript rules plus the layering rule of docs/ARCHITECTURE.md §4, which fails the build:
//   common/ imports nothing of ours (and nothing environment-bound: no node:*, no electron);
//   main/, preload/, renderer/, server-mock/ may import common/ and never each other;
//   renderer/ never imports node:* or electron (it runs in a sandboxed page).
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
);
