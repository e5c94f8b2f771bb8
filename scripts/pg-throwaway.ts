/**
 * A throwaway PostgreSQL for the test suite: a fresh cluster in a temp dir, listening on
 * loopback only (a free port; its socket in the temp dir), trust authentication for the `ra`
 * role, stopped and deleted afterwards. initdb refuses to run as root, so as root the cluster
 * belongs to the `postgres` system user (created by Debian's postgresql package).
 * `findPgBin` says why when no PostgreSQL can be had, and the PostgreSQL tests are then
 * reported skipped with that reason.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** A running throwaway server. */
export interface ThrowawayPg {
  /** postgres://ra@127.0.0.1:PORT/postgres */
  url: string;
  /** Stop it (fast shutdown) and delete its files; idempotent, synchronous (safe in 'exit'). */
  stop(): void;
}

/** The newest PostgreSQL bin directory, or the reason there is none. */
export function findPgBin(): { bin: string } | { missing: string } {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) return { missing: `no PostgreSQL server binaries under ${base} (Debian package postgresql)` };
  return { bin: join(base, newest, 'bin') };
}

/** A TCP port nobody listens on right now (loopback). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Start a throwaway cluster; throws with initdb's or pg_ctl's output when it cannot. */
export async function startThrowawayPg(bin: string): Promise<ThrowawayPg> {
  const root = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'ra-pg-'));
  const asOwner = (cmd: string, args: string[]) =>
    root ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' });
  if (root) chownSync(dir, pgUid(), pgGid());
  const data = join(dir, 'pg');
  const init = asOwner(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'ra', '--no-sync']);
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.stdout || init.error?.message}`);
  }
  const port = await freePort();
  // fsync off: a test cluster is thrown away, durability there only costs time.
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=300`;
  const start = asOwner(join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', 'start']);
  if (start.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`pg_ctl start failed: ${start.stderr || start.stdout}`);
  }
  let stopped = false;
  return {
    url: `postgres://ra@127.0.0.1:${port}/postgres`,
    stop() {
      if (stopped) return;
      stopped = true;
      asOwner(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function idOf(flag: '-u' | '-g'): number {
  const r = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('there is no `postgres` user to run initdb as (install the postgresql package)');
  return Number(r.stdout.trim());
}
const pgUid = () => idOf('-u');
const pgGid = () => idOf('-g');
