/**
 * A watched folder in a running server process (`--library DIR`): a file added, changed and
 * removed while the server runs becomes, changes and leaves its programme by itself.
 */
import { mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Program } from '../../common/protocol/model.ts';
import { spawnServer, type ServerProcess } from '../testing/process.ts';
import { h264TwoLanguages, hevcAc3Mkv, withZhSidecar } from './test-media.ts';

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

it('survives kill -9 mid-packaging: no half programme in the catalogue, and the job resumes at the next start', async () => {
  // 120 s at 640x360: a quiet machine remuxes it at ~25× realtime, so the job runs for seconds
  // and the 250 ms poll catches it mid-job (a 20 s file was done before the first poll).
  const staged = await h264TwoLanguages(path.join(work, 'staging', 'Long Evening.mp4'), 120);
  await rename(staged, path.join(watched, 'Long Evening.mp4'));
  const auth = { authorization: `Bearer ${token}` };
  await until('the job to be running', async () => {
    const jobs = (await (await fetch(`${server.url}/admin/v1/library/jobs`, { headers: auth })).json()) as { jobs: { state: string; progress: number }[] };
    return jobs.jobs.some((j) => j.state === 'packaging' && j.progress > 0.05 && j.progress < 0.85);
  });
  await server.kill();
  const media = path.join(work, 'data', 'library-media');
  expect((await readdir(media)).some((n) => n.startsWith('.tmp-'))).toBe(true);

  server = await spawnServer(['--port', '0', '--data', path.join(work, 'data'), '--seed-demo', 'false', '--library', watched]);
  // Right after the restart: the programme is not in the catalogue (it never was complete).
  expect((await catalogue()).some((p) => p.title === 'Two Voices')).toBe(false);
  const done = await until('the resumed programme', async () => (await catalogue()).find((p) => p.title === 'Two Voices'));
  expect(done.durationMs).toBe(120_000);
  expect((await readdir(media)).filter((n) => n.startsWith('.'))).toEqual([]);
}, 240_000);
