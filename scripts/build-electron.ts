/**
 * Builds the PC app's JavaScript into dist/electron/ (esbuild), which electron-builder packs:
 *   main.js       the main process (ESM; node_modules stay external: electron, electron-store, typebox)
 *   preload.cjs   the sandboxed preload (CommonJS, everything bundled; may only require 'electron')
 *   server.mjs    server-mock's CLI for the embedded household server (utilityProcess entry;
 *                 its dependencies stay external and ship as the app's production node_modules)
 *   catalog.json  the demo catalogue the server seeds from (it is read beside server.mjs)
 *
 *   node scripts/build-electron.ts            build
 *   node scripts/build-electron.ts --icons    (re)draw build/icon.png and build/icons/*.png
 *
 * Also exports `locateElectronBinary`, which finds Electron's binary the way
 * `require('electron')` does but never tries to download it (scripts/start.ts, e2e/electron),
 * `installElectronBinary`, which fetches it with the electron package's own `install-electron`
 * (since Electron 42 nothing downloads it at `npm install`), and `npmCommand` (npm on Windows).
 */
import { spawnSync, type SpawnSyncOptions, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';

// fileURLToPath, not URL.pathname: the latter keeps %20 for spaces and a leading /C: on Windows.
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the bundles go. */
export const OUT_DIR = join(ROOT, 'dist', 'electron');

/** Electron 45 runs Chromium 140 and Node 22. */
const TARGETS = { chrome: 'chrome140', node: 'node22' } as const;

/** Bundle main, preload and the server entry. Throws on any build error. */
export async function buildElectron(root = ROOT, out = join(root, 'dist', 'electron')): Promise<string[]> {
  const { build } = await import('esbuild');
  mkdirSync(out, { recursive: true });
  const common = { bundle: true, sourcemap: 'linked', legalComments: 'none', logLevel: 'warning' } as const;
  await build({
    ...common,
    entryPoints: [join(root, 'main', 'index.ts')],
    outfile: join(out, 'main.js'),
    platform: 'node',
    format: 'esm',
    target: TARGETS.node,
    packages: 'external',
  });
  const preload = await build({
    ...common,
    entryPoints: [join(root, 'preload', 'index.ts')],
    outfile: join(out, 'preload.cjs'),
    platform: 'browser',
    format: 'cjs',
    target: TARGETS.chrome,
    external: ['electron'],
    metafile: true,
  });
  // A sandboxed preload has no Node: anything but 'electron' left as an import would throw there.
  const leaked = Object.values(preload.metafile.outputs)
    .flatMap((o) => o.imports)
    .filter((i) => i.external && i.path !== 'electron');
  if (leaked.length > 0) throw new Error(`preload would require ${leaked.map((i) => i.path).join(', ')} (only 'electron' exists in a sandbox)`);
  await build({
    ...common,
    entryPoints: [join(root, 'server-mock', 'cli.ts')],
    outfile: join(out, 'server.mjs'),
    platform: 'node',
    format: 'esm',
    target: TARGETS.node,
    packages: 'external',
  });
  // server-mock reads its demo catalogue relative to its own module (new URL('./catalog.json', import.meta.url)).
  copyFileSync(join(root, 'server-mock', 'demo', 'catalog.json'), join(out, 'catalog.json'));
  return ['main.js', 'preload.cjs', 'server.mjs', 'catalog.json'].map((f) => join(out, f));
}

// ------------------------------------------------------------------ Electron's binary

/** Where Electron's binary is, or why there is none. Never downloads. */
export type ElectronBinary = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Find Electron's executable as node_modules/electron/index.js does (path.txt + dist/, or
 * ELECTRON_OVERRIDE_DIST_PATH), or RA_ELECTRON_BINARY — without its download fallback.
 */
export function locateElectronBinary(root = ROOT, env: Record<string, string | undefined> = process.env): ElectronBinary {
  if (env.RA_ELECTRON_BINARY) {
    return existsSync(env.RA_ELECTRON_BINARY) ? { ok: true, path: env.RA_ELECTRON_BINARY } : { ok: false, reason: `RA_ELECTRON_BINARY=${env.RA_ELECTRON_BINARY} does not exist` };
  }
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkg, 'package.json'))) return { ok: false, reason: 'the electron package is not installed (npm install)' };
  const pathFile = join(pkg, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(env.ELECTRON_OVERRIDE_DIST_PATH, rel || 'electron');
    return existsSync(p) ? { ok: true, path: p } : { ok: false, reason: `ELECTRON_OVERRIDE_DIST_PATH has no ${rel || 'electron'}` };
  }
  if (!rel) {
    return { ok: false, reason: "Electron's binary was never downloaded (node_modules/electron/path.txt is missing; `npm start` or `npx install-electron` fetches it)" };
  }
  const p = join(pkg, 'dist', rel);
  return existsSync(p) ? { ok: true, path: p } : { ok: false, reason: `Electron's binary is missing (${p})` };
}

/** What `installElectronBinary` may be given (tests inject the process runner). */
export interface InstallOptions {
  env?: Record<string, string | undefined>;
  /** Runs install.js (default: child_process.spawnSync with this Node). */
  run?: (command: string, args: string[], options: SpawnSyncOptions) => Pick<SpawnSyncReturns<Buffer | string>, 'status' | 'stderr' | 'error'>;
  /** Progress and outcome lines. */
  say?: (line: string) => void;
  /** Show install-electron's own output (its progress bar needs a terminal). */
  interactive?: boolean;
}

/**
 * Download Electron's binary with the electron package's `install-electron` (bin of
 * node_modules/electron, i.e. install.js: @electron/get with its checksums and cache, then
 * path.txt). On a terminal its own progress bar shows (it appears once a download takes over
 * 30 s); elsewhere its output is kept and summarised. Returns the binary, or why there is none
 * — in one line (no network, a proxy, ELECTRON_SKIP_BINARY_DOWNLOAD=1).
 */
export function installElectronBinary(root = ROOT, o: InstallOptions = {}): ElectronBinary {
  const env = o.env ?? process.env;
  const say = o.say ?? ((line: string) => console.log(line));
  const found = locateElectronBinary(root, env);
  if (found.ok) return found;
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkg, 'install.js'))) return found;
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD === '1' || env.ELECTRON_SKIP_BINARY_DOWNLOAD === 'true') {
    return { ok: false, reason: `${found.reason}; not downloading it because ELECTRON_SKIP_BINARY_DOWNLOAD is set` };
  }
  const version = (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
  const interactive = o.interactive ?? Boolean(process.stderr.isTTY);
  say(`downloading Electron ${version} for ${process.platform}-${process.arch} (about 100 MB) with the electron package's install-electron…`);
  const run = o.run ?? ((command, args, options) => spawnSync(command, args, options));
  const childEnv = { ...env };
  delete childEnv.ELECTRON_GET_NO_PROGRESS;
  // On a terminal the child keeps stderr (its progress bar draws only on a TTY); what it says on
  // console.error — a stack trace when the download fails — goes to a file instead, so the
  // failure is still one line here (scripts/install-electron-errors.mjs).
  const errors = interactive ? join(mkdtempSync(join(tmpdir(), 'ra-install-electron-')), 'errors.txt') : null;
  if (errors) childEnv.RA_INSTALL_ERROR_FILE = errors;
  const argv = [...(errors ? ['--import', pathToFileURL(join(ROOT, 'scripts', 'install-electron-errors.mjs')).href] : []), join(pkg, 'install.js')];
  try {
    const r = run(process.execPath, argv, { cwd: root, env: childEnv, stdio: interactive ? 'inherit' : ['ignore', 'inherit', 'pipe'] });
    if (r.status === 0) {
      const after = locateElectronBinary(root, env);
      if (after.ok) say(`Electron ${version} installed (${after.path})`);
      return after;
    }
    const said = errors ? (existsSync(errors) ? readFileSync(errors, 'utf8') : '') : String(r.stderr ?? '');
    const detail = r.error ? String(r.error) : firstErrorLine(said);
    return { ok: false, reason: `Electron's binary could not be downloaded (install-electron: ${detail || `exit code ${r.status}`}; no network?)` };
  } finally {
    if (errors) rmSync(dirname(errors), { recursive: true, force: true });
  }
}

/** The first line of an error dump that says what went wrong (not a stack frame). */
export function firstErrorLine(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('at ') && !l.startsWith('^'));
  return (lines.find((l) => /error|failed|ENOTFOUND|ECONN|EAI_AGAIN/i.test(l)) ?? lines[0] ?? '').slice(0, 200);
}

/**
 * How to start npm: on Windows it is npm.cmd, which Node (since the CVE-2024-27980 fix)
 * only starts through a shell.
 */
export function npmCommand(platform: NodeJS.Platform = process.platform): { command: string; shell: boolean } {
  return platform === 'win32' ? { command: 'npm.cmd', shell: true } : { command: 'npm', shell: false };
}

/** Chromium's sandbox cannot start as root: the flag the app needs then (the page sandbox stays on). */
export function sandboxFlags(uid: number | undefined = process.getuid?.()): string[] {
  return uid === 0 ? ['--no-sandbox'] : [];
}

/** Why Electron cannot open a window here, or null (Linux needs an X11 or Wayland display). */
export function displayProblem(env: Record<string, string | undefined> = process.env, platform = process.platform): string | null {
  if (platform !== 'linux' || env.DISPLAY || env.WAYLAND_DISPLAY) return null;
  return 'there is no display (DISPLAY is unset; run under xvfb-run on a headless Linux)';
}

// ------------------------------------------------------------------ icons

function crc32(buf: Uint8Array): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Encode RGBA pixels as a PNG. */
function png(size: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) raw.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * The app icon at `size` px: a rounded blue tile, a white "play" triangle and an amber
 * progress bar stopped part-way — a programme waiting at its breakpoint. 4×4 supersampled.
 */
export function drawIcon(size: number): Buffer {
  const px = new Uint8Array(size * size * 4);
  const S = 4;
  const inTile = (x: number, y: number) => {
    const r = 0.2;
    const cx = Math.min(Math.max(x, r), 1 - r);
    const cy = Math.min(Math.max(y, r), 1 - r);
    return x >= 0.02 && x <= 0.98 && y >= 0.02 && y <= 0.98 && (x - cx) ** 2 + (y - cy) ** 2 <= (r - 0.02) ** 2 + 1e-9;
  };
  // Triangle (0.38, 0.24) – (0.38, 0.70) – (0.74, 0.47).
  const inPlay = (x: number, y: number) => x >= 0.38 && x <= 0.74 && Math.abs(y - 0.47) <= (0.23 * (0.74 - x)) / 0.36;
  const bar = (x: number, y: number) => (y >= 0.8 && y <= 0.86 && x >= 0.16 && x <= 0.84 ? (x <= 0.58 ? 'done' : 'rest') : null);
  for (let py = 0; py < size; py++) {
    for (let pxi = 0; pxi < size; pxi++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (pxi + (sx + 0.5) / S) / size;
          const y = (py + (sy + 0.5) / S) / size;
          if (!inTile(x, y)) continue;
          let c: [number, number, number];
          const part = bar(x, y);
          if (part === 'done') c = [255, 176, 32];
          else if (part === 'rest') c = [120, 150, 200];
          else if (inPlay(x, y)) c = [255, 255, 255];
          else c = [Math.round(24 + 20 * y), Math.round(90 + 40 * (1 - y)), Math.round(200 + 40 * (1 - y))];
          r += c[0];
          g += c[1];
          b += c[2];
          a += 255;
        }
      }
      const n = S * S;
      const covered = a / 255;
      const i = (py * size + pxi) * 4;
      px[i] = covered ? Math.round(r / covered) : 0;
      px[i + 1] = covered ? Math.round(g / covered) : 0;
      px[i + 2] = covered ? Math.round(b / covered) : 0;
      px[i + 3] = Math.round(a / n);
    }
  }
  return png(size, px);
}

/** Write build/icon.png (1024, for macOS/Windows conversion) and build/icons/NxN.png (Linux). */
export function writeIcons(root = ROOT): string[] {
  const written: string[] = [];
  mkdirSync(join(root, 'build', 'icons'), { recursive: true });
  for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
    const file = join(root, 'build', 'icons', `${size}x${size}.png`);
    writeFileSync(file, drawIcon(size));
    written.push(file);
  }
  const big = join(root, 'build', 'icon.png');
  writeFileSync(big, drawIcon(1024));
  written.push(big);
  return written;
}

if (import.meta.main) {
  if (process.argv.includes('--icons')) {
    for (const f of writeIcons()) console.log(`wrote ${f.replace(ROOT, '')}`);
  } else {
    const files = await buildElectron();
    console.log(`built ${files.map((f) => f.replace(ROOT, '')).join(', ')}`);
  }
}
