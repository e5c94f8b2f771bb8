/**
 * `npm test`: the whole test suite, as CI runs it (.ci/run calls exactly this).
 *   1. lint (includes the layering rule) and type check;
 *   2. Vitest: unit and integration tests (real SQLite files, real HTTP, real processes);
 *   3. Playwright: browser suites in e2e/ (once they exist), in Debian's Chromium.
 * Ends with one summary line per runner and a total, "N passed, N failed, N skipped", and
 * exits non-zero if anything failed. A suite that cannot run here says so and why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const summaries: { name: string; passed: number; failed: number; skipped: number }[] = [];
let failed = false;

function run(name: string, cmd: string, args: string[]): boolean {
  console.log(`\n=== ${name}: ${[cmd, ...args].map((a) => a.replace(root, '')).join(' ')}`);
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  const ok = res.status === 0;
  if (!ok) failed = true;
  return ok;
}

// 1. Static checks: counted as one check each.
for (const [name, cmd, args] of [
  ['lint', bin('eslint'), ['.']],
  ['typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
] as const) {
  const ok = run(name, cmd, [...args]);
  summaries.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 });
}

// 2. Vitest, with a JSON report to count from.
const out = join(mkdtempSync(join(tmpdir(), 'ra-vitest-')), 'report.json');
run('vitest', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
if (existsSync(out)) {
  const r = JSON.parse(readFileSync(out, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  summaries.push({ name: 'vitest', passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests });
} else {
  summaries.push({ name: 'vitest', passed: 0, failed: 1, skipped: 0 });
}

// 3. Playwright, when browser suites exist.
const e2e = join(root, 'e2e');
const hasSpecs = existsSync(e2e) && readdirSync(e2e, { recursive: true }).some((f) => String(f).endsWith('.spec.ts'));
if (hasSpecs) {
  // The browser suites drive the built web terminal.
  run('build:renderer', 'npm', ['run', 'build:renderer']);
  const pwOut = join(mkdtempSync(join(tmpdir(), 'ra-pw-')), 'report.json');
  process.env.PLAYWRIGHT_JSON_OUTPUT_NAME = pwOut;
  run('playwright', bin('playwright'), ['test', '--reporter=list,json']);
  if (existsSync(pwOut)) {
    const { stats } = JSON.parse(readFileSync(pwOut, 'utf8')) as { stats: { expected: number; unexpected: number; skipped: number; flaky: number } };
    summaries.push({ name: 'playwright', passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped });
  } else {
    summaries.push({ name: 'playwright', passed: 0, failed: 1, skipped: 0 });
  }
} else {
  console.log('\n=== playwright: skipped — no e2e/*.spec.ts suites yet');
}

console.log('\n=== summary');
for (const s of summaries) console.log(`${s.name}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
const total = summaries.reduce((t, s) => ({ passed: t.passed + s.passed, failed: t.failed + s.failed, skipped: t.skipped + s.skipped }), { passed: 0, failed: 0, skipped: 0 });
console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failed || total.failed > 0 ? 1 : 0);
