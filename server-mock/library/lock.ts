/**
 * One process packages into a library at a time: a running server holds `<data>/library.lock`
 * (its pid and URL), and `library add` hands its paths to that server instead of packaging
 * beside it. A lock left by a dead process is ignored.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The lock a running server holds on its library (`<data>/library.lock`: pid and URL). */
export interface LibraryLock {
  pid: number;
  url: string | null;
}

/** The lock file of a data dir. */
export const lockFile = (dataDir: string) => path.join(dataDir, 'library.lock');

/** Write the lock (a server at start). */
export async function writeLock(dataDir: string, lock: LibraryLock): Promise<void> {
  await writeFile(lockFile(dataDir), `${JSON.stringify(lock)}\n`);
}

/** Remove the lock if it is ours. */
export async function releaseLock(dataDir: string, pid = process.pid): Promise<void> {
  const lock = await readLock(dataDir);
  if (lock?.pid === pid) await rm(lockFile(dataDir), { force: true });
}

/** The lock of a live process, or null (a stale lock of a dead process is ignored). */
export async function readLock(dataDir: string): Promise<LibraryLock | null> {
  try {
    const lock = JSON.parse(await readFile(lockFile(dataDir), 'utf8')) as LibraryLock;
    if (!Number.isInteger(lock.pid)) return null;
    try {
      process.kill(lock.pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return null;
    }
    return lock;
  } catch {
    return null;
  }
}

