/**
 * Vite plugin: the language catalogues (common/i18n/en.ts, zh-CN.ts) precompiled at build time.
 * Each module is evaluated here (Node) and replaced by the same exports with every message
 * that has ICU syntax (arguments, plurals, selects, quoting) turned into its parsed form (the
 * maintained @formatjs/icu-messageformat-parser, the one intl-messageformat uses); plain text
 * stays text. The page then formats with `formatToParts` alone (common/i18n/index.ts): the
 * parser (~27 KB minified) is not in the set-top script, and a message costs no parse at run time.
 * No Node import (the layering rule treats renderer/ as page code): the module is loaded by a
 * file URL built from the id Vite gives.
 */
import type { Plugin } from 'vite';
import { compileCatalogue } from '../common/i18n/bundled.ts';

const CATALOGUE = /[\\/]common[\\/]i18n[\\/](en|zh-CN)\.ts$/;

export function precompileMessages(): Plugin {
  return {
    name: 'ra-precompile-messages',
    enforce: 'pre',
    async transform(_code, id) {
      const file = id.split('?')[0] ?? id;
      if (!CATALOGUE.test(file)) return null;
      this.addWatchFile(file);
      const url = `file://${file.startsWith('/') ? '' : '/'}${file.replace(/\\/g, '/')}?v=${Date.now()}`;
      const mod = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
      const exports = Object.entries(mod).filter(([, v]) => typeof v === 'object' && v !== null);
      if (exports.length === 0) this.error(`${file}: no catalogue exported`);
      const code = exports.map(([name, v]) => `export const ${name} = ${JSON.stringify(compileCatalogue(v as Record<string, string>))};`).join('\n');
      return { code, map: null };
    },
  };
}
