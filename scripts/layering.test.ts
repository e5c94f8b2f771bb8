/**
 * The layering rule of docs/ARCHITECTURE.md §4 is enforced by ESLint (eslint.config.js). This proves the
 * rule fails on each kind of violation and passes on allowed imports, by linting snippets as
 * if they stood at the given paths.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function layeringErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const violations: [file: string, code: string][] = [
  ['common/x.ts', "import { buildApp } from '../server-mock/app.ts';\nexport const y = buildApp;\n"],
  ['common/x.ts', "import { readFile } from 'node:fs/promises';\nexport const y = readFile;\n"],
  ['common/x.ts', "import { app } from 'electron';\nexport const y = app;\n"],
  ['renderer/x.ts', "import { buildApp } from '../server-mock/app.ts';\nexport const y = buildApp;\n"],
  ['renderer/deep/x.ts', "import { join } from 'node:path';\nexport const y = join;\n"],
  ['renderer/x.ts', "import Store from 'electron-store';\nexport const y = Store;\n"],
  ['server-mock/x.ts', "import { a } from '../renderer/a.ts';\nexport const y = a;\n"],
  ['main/x.ts', "import { a } from '../preload/a.ts';\nexport const y = a;\n"],
  ['preload/x.ts', "import { a } from '../main/a.ts';\nexport const y = a;\n"],
  ['main/x.ts', "import { a } from '../server-mock/server.ts';\nexport const y = a;\n"],
];

const allowed: [file: string, code: string][] = [
  ['renderer/x.ts', "import { AppError } from '../common/errors.ts';\nexport const y = AppError;\n"],
  ['server-mock/x.ts', "import { readFile } from 'node:fs/promises';\nimport { AppError } from '../common/errors.ts';\nexport const y = [readFile, AppError];\n"],
  ['main/x.ts', "import { app } from 'electron';\nimport { AppError } from '../common/errors.ts';\nexport const y = [app, AppError];\n"],
  ['common/x.ts', "import Type from 'typebox';\nimport { AppError } from './errors.ts';\nexport const y = [Type, AppError];\n"],
];

describe('layering lint rule', () => {
  it.each(violations)('fails: %s importing across layers — %s', async (file, code) => {
    expect(await layeringErrors(file, code)).not.toEqual([]);
  });
  it.each(allowed)('passes: %s — %s', async (file, code) => {
    expect(await layeringErrors(file, code)).toEqual([]);
  });
});
