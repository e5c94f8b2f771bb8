import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildElectron, displayProblem, drawIcon, locateElectronBinary } from './build-electron.ts';

const ROOT = new URL('..', import.meta.url).pathname;
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
