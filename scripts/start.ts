/**
 * `npm start`: the whole system on this machine.
 *
 * 1. Builds what is stale: the renderer (vite, when its sources are newer than renderer/dist)
 *    and the PC app's bundles (dist/electron, esbuild, always — it takes a second).
 * 2. Fetches Electron's binary when it is missing (the electron package's own
 *    `install-electron`; since Electron 42 `npm install` no longer does), then — with a display
 *    on Linux — launches the PC app, which runs the household server itself (embedded, in its
 *    userData). Arguments go to the app: `npm start -- --kiosk`. As root (containers) Chromium's
 *    own sandbox cannot start, so the app gets `--no-sandbox` and the launcher says so.
 * 3. Otherwise (no network for the download, no display) says why in one line and serves the whole system without the PC app: the
 *    server (all three roles, demo catalogue and account in `.data/`), ending with the web
 *    terminal's URL to open in a browser. Arguments go to the server: `npm start -- --port 9000`.
 *    `RA_NO_ELECTRON=1` picks this path on purpose.
 *
 * `npm run electron` (`--app-only`) does 1 and 2 only: without Electron it says why and fails.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildElectron, displayProblem, installElectronBinary, locateElectronBinary, npmCommand, sandboxFlags } from './build-electron.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const appOnly = process.argv.includes('--app-only');
const args = process.argv.slice(2).filter((a) => a !== '--app-only');

/** Flags of the PC app that the server would refuse: without a value, and with one. */
const APP_FLAGS = new Set(['--kiosk', '--no-lan']);
const APP_OPTIONS = new Set(['--data-dir', '--server-url', '--config']);

/**
 * The arguments the server gets when it runs without the PC app: the app's own flags are
 * dropped, with their values (`--config FILE` as well as `--config=FILE`).
 */
export function serverOnlyArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const name = a.split('=')[0] as string;
    if (APP_FLAGS.has(a)) continue;
    if (APP_OPTIONS.has(name)) {
      if (!a.includes('=')) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function buildRenderer(): void {
  if (!existsSync(join(ROOT, 'renderer', 'vite.config.ts'))) return;
  const built = join(ROOT, 'renderer', 'dist', 'index.html');
  const sources = Math.max(
    newestMtime(join(ROOT, 'renderer', 'src')),
    newestMtime(join(ROOT, 'renderer', 'public')),
    existsSync(join(ROOT, 'renderer', 'index.html')) ? statSync(join(ROOT, 'renderer', 'index.html')).mtimeMs : 0,
    newestMtime(join(ROOT, 'common')),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  console.log('building the renderer (npm run build:renderer)…');
  const npm = npmCommand();
  const r = spawnSync(npm.command, ['run', '--silent', 'build:renderer'], { cwd: ROOT, stdio: 'inherit', shell: npm.shell });
  if (r.status !== 0) console.warn('warning: the renderer did not build; the server answers / with a "not built" page');
}

function forwardSignals(child: ReturnType<typeof spawn>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function startElectron(binary: string): void {
  const sandbox = sandboxFlags();
  console.log('starting the PC app (Electron) with its household server…');
  if (sandbox.length) console.log("running as root: Chromium's sandbox cannot start, so the app gets --no-sandbox (pages stay sandboxed by Electron's renderer settings)");
  // ELECTRON_RUN_AS_NODE would turn the app into a plain Node process.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  forwardSignals(spawn(binary, [ROOT, ...sandbox, ...args], { cwd: ROOT, stdio: 'inherit', env }));
}

function startServerOnly(why: string): void {
  const cli = join(ROOT, 'server-mock', 'cli.ts');
  // Its stdout is our pipe, not the terminal: ask for the terminal's log format ourselves.
  const env = { ...process.env, RA_LOG_FORMAT: process.env.RA_LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'auto') };
  const child = spawn(process.execPath, [cli, ...serverOnlyArgs(args)], { cwd: ROOT, env, stdio: ['inherit', 'pipe', 'inherit'] });
  let told = false;
  createInterface({ input: child.stdout }).on('line', (line) => {
    console.log(line);
    const url = /^Resume Anywhere server .* at (https?:\/\/\S+)\s*$/.exec(line)?.[1];
    if (url && !told) {
      told = true;
      // The one line that says what happened and what to do.
      setImmediate(() => console.log(`\n${why} — serving the whole system without it: open ${url}/ in a browser.\n`));
    }
  });
  child.on('exit', (code) => {
    if (!told) console.error(`${why}, and the server did not start (exit code ${code}).`);
  });
  forwardSignals(child);
}

if (import.meta.main) {
  buildRenderer();
  await buildElectron(ROOT);

  const display = displayProblem();
  // No display: no point in downloading 100 MB first.
  const binary = process.env.RA_NO_ELECTRON === '1' || display ? locateElectronBinary(ROOT) : installElectronBinary(ROOT);
  // Without a display the download was not tried: that is the reason to give.
  const cannot = display ?? (binary.ok ? null : binary.reason);
  if (appOnly && cannot) {
    console.error(`The PC app cannot start: ${cannot}`);
    process.exit(1);
  }
  if (process.env.RA_NO_ELECTRON === '1') startServerOnly('The PC app is off (RA_NO_ELECTRON=1)');
  else if (cannot || !binary.ok) startServerOnly(`The PC app cannot start: ${cannot}`);
  else startElectron(binary.path);
}
