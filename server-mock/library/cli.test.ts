/**
 * `npm run library -- add|status` as a user meets it: a progress bar per file and the outcome
 * of each, exit code 1 when a file failed or a path is missing, a clear install hint when
 * ffmpeg is not there, and, when a server already runs on the data dir, the paths handed to it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../testing/process.ts';
import { truncatedMp4, withZhSidecar } from './test-media.ts';

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));
let work: string;

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'library', ...args], { env: { ...process.env, RA_LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'ra-libcli-'));
  await withZhSidecar(path.join(work, 'in', 'Harbour Walk.mp4'));
  await truncatedMp4(path.join(work, 'in', 'cut.mp4'));
  await withZhSidecar(path.join(work, 'later', 'Second Walk.mp4'));
}, 60_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('npm run library', () => {
  it('adds a folder with a progress bar, says which file failed and why, and exits 1 for it', async () => {
    const data = path.join(work, 'data1');
    const r = await cli(['add', path.join(work, 'in'), '--data', data]);
    expect(r.out).toContain('2 media file(s) found, 2 to package (1 at a time)');
    expect(r.out).toMatch(/\[[#-]{24}\]\s+\d+%.*× realtime.*ETA.*Harbour Walk\.mp4/);
    expect(r.out).toMatch(/ready {3}.*Harbour Walk\.mp4 → harbour-walk-[0-9a-f]{6}/);
    expect(r.out).toMatch(/FAILED {2}.*cut\.mp4: ffprobe cannot read it/);
    expect(r.code).toBe(1);
    const status = await cli(['status', '--data', data]);
    expect(status.out).toMatch(/ready\s+.*Harbour Walk\.mp4 → harbour-walk-/);
    expect(status.out).toMatch(/failed\s+.*cut\.mp4: ffprobe cannot read it/);
    // Again: nothing to do, same programme.
    const again = await cli(['add', path.join(work, 'in', 'Harbour Walk.mp4'), '--data', data]);
    expect(again.out).toContain('1 media file(s) found, 0 to package');
    expect(again.code).toBe(0);
  }, 120_000);

  it('says how to install ffmpeg when it is missing, and exits 2', async () => {
    const r = await cli(['add', path.join(work, 'in'), '--data', path.join(work, 'data2')], { RA_FFMPEG: path.join(work, 'no-such-ffmpeg') });
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/not found\. ffmpeg and ffprobe are needed on PATH.*apt-get install ffmpeg.*brew install ffmpeg/s);
  });

  it('hands the paths to a server already running on the data dir, and follows its job', async () => {
    const data = path.join(work, 'data3');
    const server = await spawnServer(['--port', '0', '--data', data, '--seed-demo', 'false']);
    try {
      const r = await cli(['add', path.join(work, 'later'), '--data', data]);
      expect(r.out).toContain(`handed to the running server at ${server.url}`);
      expect(r.out).toMatch(/ready {3}.*Second Walk\.mp4/);
      expect(r.code).toBe(0);
      const token = (await readFile(path.join(data, 'admin-token'), 'utf8')).trim();
      const programs = (await (await fetch(`${server.url}/admin/v1/programs`, { headers: { authorization: `Bearer ${token}` } })).json()) as { programs: { title: string }[] };
      expect(programs.programs.map((p) => p.title)).toEqual(['Second Walk']);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
