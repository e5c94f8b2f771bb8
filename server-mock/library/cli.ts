/**
 * `npm run library -- add PATH… [--data DIR] [--library-media-dir DIR] [--library-jobs N]`
 * `npm run library -- status [--data DIR]`
 *
 * `add` packages files and folders (recursive) into the data dir's library and catalogue, with
 * a progress bar per file, and exits when all are done (exit code 1 when any failed). When a
 * server already runs on that data dir (it holds `library.lock`), the paths are handed to it
 * through its admin API instead, and its progress is shown: two processes never package into
 * one library at once.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, parseConfig } from '../config.ts';
import { openStore } from '../store/open.ts';
import { libraryMediaDirOf } from '../streaming/plugin.ts';
import { checkFfmpeg, FfmpegMissingError } from './ffmpeg.ts';
import { Library } from './library.ts';
import { readLock, releaseLock, writeLock, type LibraryLock } from './lock.ts';
import { storeCatalogue } from './plugin.ts';
import { progressWriter } from './progress.ts';

const USAGE = 'usage: library add PATH… [--data DIR] [--library-media-dir DIR] [--library-jobs N] [--library-renditions 1-3]\n       library status [--data DIR]';

function split(argv: string[]): { paths: string[]; flags: string[] } {
  const paths: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith('--')) {
      flags.push(a);
      if (!a.includes('=') && i + 1 < argv.length) flags.push(argv[++i] as string);
    } else paths.push(a);
  }
  return { paths, flags };
}

/** Hand the paths to the running server and follow its jobs. */
async function addThroughServer(lock: LibraryLock, dataDir: string, paths: string[]): Promise<number> {
  if (!lock.url) throw new ConfigError(`a server (pid ${lock.pid}) runs on ${dataDir}; stop it or add the files through its admin API`);
  const token = (await readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const res = await fetch(`${lock.url}/admin/v1/library/scan`, { method: 'POST', headers, body: JSON.stringify({ paths }) });
  if (res.status !== 202) throw new ConfigError(`the server refused the paths: ${res.status} ${await res.text()}`);
  console.log(`handed to the running server at ${lock.url} (pid ${lock.pid})`);
  const shown = progressWriter(process.stdout);
  const under = (f: string) => paths.some((p) => f === p || f.startsWith(p.endsWith(path.sep) ? p : p + path.sep));
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const status = (await (await fetch(`${lock.url}/admin/v1/library`, { headers })).json()) as { files: { path: string; state: string; progress: number; speed: number; etaSec: number | null; error: string | null }[] };
    const mine = status.files.filter((f) => under(f.path));
    for (const f of mine.filter((x) => x.state === 'packaging')) shown.update({ path: f.path, fraction: f.progress, speed: f.speed, etaSec: f.etaSec });
    if (mine.every((f) => f.state === 'ready' || f.state === 'failed')) {
      for (const f of mine) shown.done(f.state === 'ready' ? `ready   ${f.path}` : `FAILED  ${f.path}: ${f.error}`);
      return mine.some((f) => f.state === 'failed') ? 1 : 0;
    }
  }
}

async function add(argv: string[]): Promise<number> {
  const { paths, flags } = split(argv);
  if (paths.length === 0) throw new ConfigError(USAGE);
  const config = parseConfig(flags, process.env);
  const abs = paths.map((p) => path.resolve(p));
  const lock = await readLock(config.dataDir);
  if (lock && lock.pid !== process.pid) return addThroughServer(lock, config.dataDir, abs);
  await checkFfmpeg();
  const store = await openStore(config);
  const library = await Library.open({ dataDir: config.dataDir, mediaDir: libraryMediaDirOf(config), catalogue: storeCatalogue(store), concurrency: config.libraryJobs ?? undefined, maxRenditions: config.libraryRenditions });
  await writeLock(config.dataDir, { pid: process.pid, url: null });
  const shown = progressWriter(process.stdout);
  const onSignal = () => {
    shown.done('stopping: the running jobs resume at the next `library add` or server start');
    void library.close().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  try {
    const r = await library.add(abs);
    for (const m of r.missing) console.error(`not found: ${m}`);
    console.log(`${r.found} media file(s) found, ${r.queued} to package (${library.concurrency} at a time)`);
    const mine = (f: string) => abs.some((p) => f === p || f.startsWith(p + path.sep));
    // Files already done before this run are reported only when they are packaged again.
    const reported = new Set(library.status().files.filter((f) => (f.state === 'ready' || f.state === 'failed') && !mine(f.path)).map((f) => f.path));
    library.on('progress', (p) => shown.update(p));
    library.on('changed', () => {
      for (const f of library.status().files) {
        if (!mine(f.path)) continue;
        if ((f.state === 'ready' || f.state === 'failed') && !reported.has(f.path)) {
          reported.add(f.path);
          shown.done(f.state === 'ready' ? `ready   ${f.path} → ${f.programId}` : `FAILED  ${f.path}: ${f.error}`);
        }
      }
    });
    library.start();
    await library.whenIdle();
    library.emit('changed');
    const failed = library.status().files.filter((f) => f.state === 'failed' && mine(f.path));
    return failed.length > 0 || r.missing.length > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    await library.close();
    await store.close();
    await releaseLock(config.dataDir);
  }
}

async function status(argv: string[]): Promise<number> {
  const config = parseConfig(argv, process.env);
  const library = await Library.open({ dataDir: config.dataDir, mediaDir: libraryMediaDirOf(config), catalogue: { upsert: async () => {}, withdraw: async () => {} } });
  try {
    const s = library.status();
    for (const f of s.folders) console.log(`folder  ${f.path}  (${f.source}, ${f.ready} ready, ${f.failed} failed, ${f.pending} pending)`);
    for (const f of s.files) console.log(`${f.state.padEnd(9)} ${f.path}${f.programId ? ` → ${f.programId}` : ''}${f.error ? `: ${f.error}` : ''}`);
    return 0;
  } finally {
    await library.close();
  }
}

/** Entry point of `cli.ts library …`. */
export async function libraryCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === 'add') return await add(rest);
    if (sub === 'status') return await status(rest);
  } catch (err) {
    if (err instanceof FfmpegMissingError) {
      console.error(`error: ${err.message}`);
      return 2;
    }
    throw err;
  }
  throw new ConfigError(USAGE);
}
