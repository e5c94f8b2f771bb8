/**
 * `npm start` without the PC app: the server gets the arguments meant for it, never the app's
 * own flags (the server refuses unknown options, so `npm start -- --config=FILE` on a machine
 * without Electron would not start at all). Checked against the real server CLI.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { serverOnlyArgs } from './start.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const data = mkdtempSync(join(tmpdir(), 'ra-start-'));
afterAll(() => rmSync(data, { recursive: true, force: true }));

describe('npm start, server only', () => {
  const given = ['--kiosk', '--config', '/etc/tv.json', '--port', '0', '--data-dir=/d', '--server-url', 'http://10.0.0.2:8750', '--no-lan', '--config=/x.json', '--data', data];

  it('drops the app’s flags with their values, keeps the server’s', () => {
    expect(serverOnlyArgs(given)).toEqual(['--port', '0', '--data', data]);
    expect(serverOnlyArgs(['--port', '9000'])).toEqual(['--port', '9000']);
  });

  it('the real server starts with what is left', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'server-mock', 'cli.ts'), ...serverOnlyArgs(given)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          const m = /^Resume Anywhere server .* at (https?:\/\/\S+)\s*$/.exec(line);
          if (m?.[1]) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      child.kill();
    }
  }, 30_000);
});
