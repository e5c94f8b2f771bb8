/**
 * A watched folder in a running server process (`--library DIR`): a file added, changed and
 * removed while the server runs becomes, changes and leaves its programme by itself.
 */
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Program } from '../../common/protocol/model.ts';
import { spawnServer, type ServerProcess } from '../testing/process.ts';
import { hevcAc3Mkv, withZhSidecar } from './test-media.ts';

let work: string;
let watched: string;
let server: ServerProcess;
let token: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'ra-watch-'));
  watched = path.join(work, 'watched');
  await mkdir(watched);
  server = await spawnServer(['--port', '0', '--data', path.join(work, 'data'), '--seed-demo', 'false', '--library', watched]);
  token = (await readFile(path.join(work, 'data', 'admin-token'), 'utf8')).trim();
}, 30_000);
afterAll(async () => {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
});

async function catalogue(): Promise<Program[]> {
  const res = await fetch(`${server.url}/admin/v1/programs`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { programs: Program[] }).programs;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 40_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) {
      const lib = await (await fetch(`${server.url}/admin/v1/library`, { headers: { authorization: `Bearer ${token}` } })).text();
      throw new Error(`timed out waiting for ${what}\nlibrary: ${lib}\n${server.output().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

it('picks up a file added, changed and removed while the server runs', async () => {
  const status = await (await fetch(`${server.url}/admin/v1/library`, { headers: { authorization: `Bearer ${token}` } })).json();
  expect(status).toMatchObject({ folders: [{ path: watched, source: 'config', state: 'watching', files: 0 }] });

  // Added: written elsewhere, then moved in (as a finished download or copy lands).
  const staged = await withZhSidecar(path.join(work, 'staging', 'Night Walk.mp4'), 6);
  await rename(staged, path.join(watched, 'Night Walk.mp4'));
  const added = await until('the added programme', async () => (await catalogue()).find((p) => p.title === 'Night Walk'));
  expect(added.durationMs).toBe(6000);

  // Changed: another (longer, HEVC) encode replaces it under the same name; same programme id.
  const longer = await hevcAc3Mkv(path.join(work, 'staging', 'other.mkv'), 8);
  await rename(longer, path.join(watched, 'Night Walk.mp4'));
  const changed = await until('the changed programme', async () => (await catalogue()).find((p) => p.id === added.id && p.durationMs > 7500));
  expect(changed).toMatchObject({ id: added.id, title: 'Kanal' });

  // Removed: its programme leaves the catalogue.
  await rm(path.join(watched, 'Night Walk.mp4'));
  await until('the programme to go', async () => !(await catalogue()).some((p) => p.id === added.id));
  const after = (await (await fetch(`${server.url}/admin/v1/library`, { headers: { authorization: `Bearer ${token}` } })).json()) as { files: unknown[] };
  expect(after.files).toEqual([]);
}, 180_000);
