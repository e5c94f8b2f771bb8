import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildElectron, displayProblem, drawIcon, firstErrorLine, installElectronBinary, locateElectronBinary, npmCommand, sandboxFlags } from './build-electron.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'ra-build-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('locateElectronBinary (never downloads)', () => {
  function fakeRoot(opts: { pkg?: boolean; pathTxt?: string; binary?: boolean }) {
    const root = temp();
    const pkg = join(root, 'node_modules', 'electron');
    if (opts.pkg !== false) {
      mkdirSync(join(pkg, 'dist'), { recursive: true });
      writeFileSync(join(pkg, 'package.json'), '{"name":"electron"}');
    }
    if (opts.pathTxt) writeFileSync(join(pkg, 'path.txt'), opts.pathTxt);
    if (opts.binary) writeFileSync(join(pkg, 'dist', opts.pathTxt ?? 'electron'), '');
    return root;
  }

  it('explains each missing piece', () => {
    expect(locateElectronBinary(fakeRoot({ pkg: false }), {})).toMatchObject({ ok: false, reason: expect.stringMatching(/not installed/) });
    expect(locateElectronBinary(fakeRoot({}), {})).toMatchObject({ ok: false, reason: expect.stringMatching(/never downloaded.*path\.txt/) });
    expect(locateElectronBinary(fakeRoot({ pathTxt: 'electron' }), {})).toMatchObject({ ok: false, reason: expect.stringMatching(/missing/) });
  });

  it('finds the binary as require("electron") would, or where the environment says', () => {
    const root = fakeRoot({ pathTxt: 'electron', binary: true });
    expect(locateElectronBinary(root, {})).toEqual({ ok: true, path: join(root, 'node_modules', 'electron', 'dist', 'electron') });
    const override = temp();
    writeFileSync(join(override, 'electron'), '');
    expect(locateElectronBinary(fakeRoot({}), { ELECTRON_OVERRIDE_DIST_PATH: override })).toEqual({ ok: true, path: join(override, 'electron') });
    expect(locateElectronBinary(fakeRoot({}), { RA_ELECTRON_BINARY: join(override, 'electron') })).toMatchObject({ ok: true });
    expect(locateElectronBinary(fakeRoot({}), { RA_ELECTRON_BINARY: '/nope/electron' })).toMatchObject({ ok: false });
  });

  it('knows that Linux needs a display', () => {
    expect(displayProblem({}, 'linux')).toMatch(/no display/);
    expect(displayProblem({ DISPLAY: ':99' }, 'linux')).toBeNull();
    expect(displayProblem({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBeNull();
    expect(displayProblem({}, 'win32')).toBeNull();
  });
});

describe('installElectronBinary (the electron package\'s own install-electron)', () => {
  function pkgRoot() {
    const root = temp();
    const pkg = join(root, 'node_modules', 'electron');
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), '{"name":"electron","version":"45.5.0"}');
    writeFileSync(join(pkg, 'install.js'), '');
    return { root, pkg };
  }

  it('runs install.js with this Node, then finds what it wrote', () => {
    const { root, pkg } = pkgRoot();
    const lines: string[] = [];
    const calls: string[][] = [];
    const got = installElectronBinary(root, {
      env: {},
      interactive: false,
      say: (l) => lines.push(l),
      run: (command, args) => {
        calls.push([command, ...args]);
        // What install.js does on success: dist/<binary> and path.txt.
        writeFileSync(join(pkg, 'dist', 'electron'), '');
        writeFileSync(join(pkg, 'path.txt'), 'electron');
        return { status: 0, stderr: '', error: undefined };
      },
    });
    expect(calls).toEqual([[process.execPath, join(pkg, 'install.js')]]);
    expect(got).toEqual({ ok: true, path: join(pkg, 'dist', 'electron') });
    expect(lines[0]).toMatch(/downloading Electron 45\.5\.0 .*install-electron/);
  });

  it('says in one line why, when the download fails or is switched off', () => {
    const { root } = pkgRoot();
    const failed = installElectronBinary(root, {
      env: {},
      interactive: false,
      say: () => undefined,
      run: () => ({ status: 1, stderr: 'TypeError: fetch failed\n    at node:internal/deps/undici\n', error: undefined }),
    });
    expect(failed).toEqual({ ok: false, reason: expect.stringMatching(/could not be downloaded \(install-electron: TypeError: fetch failed; no network\?\)/) });
    expect((failed as { reason: string }).reason).not.toContain('\n');
    let ran = false;
    const skipped = installElectronBinary(root, { env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, run: () => ((ran = true), { status: 0, stderr: '', error: undefined }) });
    expect(ran).toBe(false);
    expect(skipped).toMatchObject({ ok: false, reason: expect.stringMatching(/ELECTRON_SKIP_BINARY_DOWNLOAD/) });
  });

  it('on a terminal: the child keeps stderr for its progress bar, and its stack trace still becomes one line', () => {
    const { root, pkg } = pkgRoot();
    // What install.js does when the download fails: the whole stack on console.error, exit 1.
    writeFileSync(join(pkg, 'install.js'), "console.error(new TypeError('fetch failed').stack); process.exit(1);\n");
    let printed = '';
    const got = installElectronBinary(root, {
      env: { PATH: process.env.PATH },
      interactive: true,
      say: () => undefined,
      // The real child, with its stderr caught here to see what a terminal would have shown.
      run: (command, args, options) => {
        expect(options.stdio).toBe('inherit');
        const r = spawnSync(command, args, { ...options, stdio: 'pipe' });
        printed = String(r.stderr);
        return r;
      },
    });
    expect(printed).toBe('');
    expect(got).toEqual({ ok: false, reason: "Electron's binary could not be downloaded (install-electron: TypeError: fetch failed; no network?)" });
  });

  it('against the real electron package here (no network): fails fast with the reason', () => {
    if (existsSync(join(ROOT, 'node_modules', 'electron', 'path.txt'))) return; // a machine that has the binary
    for (const interactive of [false, true]) {
      const t0 = Date.now();
      const got = installElectronBinary(ROOT, { env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: undefined }, interactive, say: () => undefined });
      expect(got.ok).toBe(false);
      expect((got as { reason: string }).reason).toMatch(/could not be downloaded \(install-electron: \S.*; no network\?\)$/);
      expect((got as { reason: string }).reason).not.toMatch(/exit code|\n/);
      expect(Date.now() - t0).toBeLessThan(30_000);
    }
  }, 70_000);

  it('picks the first meaningful line of an error dump', () => {
    expect(firstErrorLine('\nError: getaddrinfo ENOTFOUND github.com\n    at x (y.js:1)\n')).toBe('Error: getaddrinfo ENOTFOUND github.com');
  });
});

describe('launch helpers', () => {
  it('starts npm through a shell on Windows (npm.cmd), directly elsewhere', () => {
    expect(npmCommand('win32')).toEqual({ command: 'npm.cmd', shell: true });
    expect(npmCommand('linux')).toEqual({ command: 'npm', shell: false });
  });
  it('passes --no-sandbox only as root', () => {
    expect(sandboxFlags(0)).toEqual(['--no-sandbox']);
    expect(sandboxFlags(1000)).toEqual([]);
  });
  it('finds the repository root without URL escapes (paths with spaces)', () => {
    expect(ROOT).not.toContain('%20');
    expect(existsSync(join(ROOT, 'package.json'))).toBe(true);
  });
});

describe('buildElectron', () => {
  it('bundles main (ESM), a sandbox-safe preload (CJS, electron only) and the server entry', async () => {
    const out = temp();
    const files = await buildElectron(ROOT, out);
    expect(files.map((f) => f.replace(`${out}/`, ''))).toEqual(['main.js', 'preload.cjs', 'server.mjs', 'catalog.json']);
    const main = readFileSync(join(out, 'main.js'), 'utf8');
    expect(main).toMatch(/from "electron"/);
    expect(main).not.toMatch(/require\(/);
    const preload = readFileSync(join(out, 'preload.cjs'), 'utf8');
    expect([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld');
    const server = readFileSync(join(out, 'server.mjs'), 'utf8');
    expect(server).toContain('Resume Anywhere server');
    expect(JSON.parse(readFileSync(join(out, 'catalog.json'), 'utf8')).programs.length).toBeGreaterThan(0);
  }, 30_000);
});

describe('icons', () => {
  it('draws square PNGs of the asked size', () => {
    const png = drawIcon(32);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
    expect(png.readUInt32BE(16)).toBe(32);
    expect(png.readUInt32BE(20)).toBe(32);
  });
});
