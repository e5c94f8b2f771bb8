/**
 * The media library: watched folders and files added once, a job queue packaging each file
 * with a bounded number of ffmpeg processes, and the catalogue kept in step.
 *
 * Guarantees:
 * - never a half-packaged programme: a job packages into `<media>/.tmp-*`, renames it into
 *   place when complete (`library.json` written last), and only then upserts the catalogue;
 * - resumable: a job interrupted by a crash or stop is queued again at the next start, and its
 *   temp folder discarded;
 * - idempotent by content: a file whose content hash already has a complete package (moved,
 *   copied, added twice) links to that programme without repackaging;
 * - one bad file fails alone with a clear message; the queue carries on;
 * - a removed file withdraws its programme (once no other file holds the same content): it leaves
 *   the catalogue, its package is deleted, its viewing records stay (they age out as usual) and
 *   the library keeps the content hash → programme id, so the same file coming back repackages
 *   into the same programme and its records return; a watched folder that is itself missing (an
 *   unplugged disk) removes nothing and is flagged instead.
 */
import { EventEmitter } from 'node:events';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Program } from '../../common/protocol/model.ts';
import { LibraryDb, type FileRow, type FolderSource } from './db.ts';
import { describeFile, mergeEdits, newProgramId, parseEdits, programEntry, type ProgramEdits } from './entry.ts';
import { FfmpegFailedError, FfmpegMissingError } from './ffmpeg.ts';
import { sidecarPoster, sidecarSubtitles } from './naming.ts';
import { packageFile, readDescription, swapInto, type PackageDescription } from './package.ts';
import { planPackage } from './plan.ts';
import { probeFile, UnsupportedMediaError } from './probe.ts';
import { contentHash, walk } from './scan.ts';
import { TreeWatchers } from './watch.ts';

/** Where the library's programmes go in the catalogue (the global role's store). */
export interface CatalogueSink {
  /** Put a complete programme in the catalogue (back in, when it was withdrawn). */
  upsert(program: Program): Promise<void>;
  /** Take a programme out of the catalogue, keeping its viewing records (they age out). */
  withdraw(programId: string): Promise<void>;
}

/** Minimal logger (pino's shape). */
export interface LibraryLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Options of a library. */
export interface LibraryOptions {
  /** Folder of `library.sqlite`. */
  dataDir: string;
  /** Where packaged programmes go (one folder per programme id; the media server serves it). */
  mediaDir: string;
  catalogue: CatalogueSink;
  /** Parallel ffmpeg jobs; default `defaultConcurrency()`. */
  concurrency?: number;
  /** Video renditions per programme, 1–3 (1 = the source's only: a pure remux for H.264). Default 3. */
  maxRenditions?: number;
  /** A file must be unchanged this long before it is packaged (still being copied?). Default 2000. */
  settleMs?: number;
  /** Debounce of watch events per folder. Default 1000. */
  watchDebounceMs?: number;
  log?: LibraryLog;
}

/** Progress of a running job, as the API and the CLI show it. */
export interface JobProgress {
  path: string;
  programId: string | null;
  fraction: number;
  speed: number;
  etaSec: number | null;
  phase: string;
}

/** 1 on a machine of up to 2 cores (leave the other to the server), else half the cores, at most 4. */
export function defaultConcurrency(): number {
  const n = availableParallelism();
  return n <= 2 ? 1 : Math.min(4, Math.floor(n / 2));
}

const silent: LibraryLog = { info() {}, warn() {}, error() {} };

/** The message a failed file shows. */
export function failureMessage(err: unknown): string {
  if (err instanceof UnsupportedMediaError || err instanceof FfmpegMissingError) return err.message;
  if (err instanceof FfmpegFailedError) {
    // ffmpeg's last lines are often generic ("Conversion failed!"); keep the specific ones before them.
    const lines = err.detail.split('\n').map((l) => l.trim()).filter((l) => l && !/^(Conversion failed!|Error initializing output stream|Could not write header)/.test(l));
    return `ffmpeg could not package it: ${lines.slice(-2).join(' / ') || err.message}`;
  }
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'the file disappeared while it was being read';
  if (code === 'EACCES' || code === 'EPERM') return 'the file cannot be read (permissions)';
  if (code === 'ENOSPC') return 'the disk is full';
  return `packaging failed: ${err instanceof Error ? err.message : String(err)}`;
}

const isUnder = (file: string, folder: string) => file === folder || file.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);

/** The media library (see the header). */
export class Library extends EventEmitter<{ progress: [JobProgress]; changed: [] }> {
  readonly db: LibraryDb;
  readonly mediaDir: string;
  readonly concurrency: number;
  private readonly o: LibraryOptions;
  private readonly log: LibraryLog;
  private readonly running = new Map<string, AbortController>();
  private readonly trees: TreeWatchers;
  private readonly debounce = new Map<string, NodeJS.Timeout>();
  private readonly unavailable = new Set<string>();
  private readonly scans = new Set<Promise<unknown>>();
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  private constructor(o: LibraryOptions, db: LibraryDb) {
    super();
    this.o = o;
    this.db = db;
    this.mediaDir = o.mediaDir;
    this.concurrency = Math.max(1, o.concurrency ?? defaultConcurrency());
    this.log = o.log ?? silent;
    this.trees = new TreeWatchers((folder) => this.folderChanged(folder), this.log);
  }

  /** Open (or create) the library; interrupted jobs go back to the queue. Does not start jobs. */
  static async open(o: LibraryOptions): Promise<Library> {
    await mkdir(o.dataDir, { recursive: true });
    await mkdir(o.mediaDir, { recursive: true });
    const lib = new Library(o, new LibraryDb(path.join(o.dataDir, 'library.sqlite')));
    const requeued = lib.db.requeueInterrupted(Date.now());
    if (requeued > 0) lib.log.info({ requeued }, 'library: resuming interrupted jobs');
    for (const name of await readdir(o.mediaDir)) {
      if (!name.startsWith('.tmp-') && !name.startsWith('.old-')) continue;
      // A packager of the killed process (ffmpeg outlives a kill -9 of its parent) may still be
      // writing there: retry (ENOTEMPTY while files appear), and never fail the start over a
      // leftover — it is never served (dotted name) and the next start tries again.
      try {
        await rm(path.join(o.mediaDir, name), { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      } catch (err) {
        lib.log.warn({ err, dir: name }, 'library: could not remove a leftover of an interrupted job yet');
      }
    }
    return lib;
  }

  /** Start the queue and watch every registered folder (and rescan them once). */
  start(): void {
    for (const f of this.db.folders()) this.watchFolder(f.path);
    this.track(this.scanFolders());
    this.pump();
  }

  /** Add a watched folder (absolute path); scans and watches it. False when it was there. */
  async addFolder(folder: string, source: FolderSource = 'api'): Promise<boolean> {
    const abs = path.resolve(folder);
    const added = this.db.addFolder(abs, source, Date.now());
    this.watchFolder(abs);
    await this.scan(abs);
    return added;
  }

  /** Stop watching a folder and withdraw the programmes of its files. False when unknown. */
  async removeFolder(folder: string): Promise<boolean> {
    const abs = path.resolve(folder);
    if (!this.db.removeFolder(abs)) return false;
    this.trees.unwatch(abs);
    this.unavailable.delete(abs);
    for (const f of this.db.files().filter((r) => isUnder(r.path, abs))) await this.removeFile(f);
    this.emit('changed');
    return true;
  }

  /** Queue files or folders once (not watched): the CLI's `library add`. Returns what was found. */
  async add(paths: readonly string[]): Promise<{ found: number; queued: number; missing: string[] }> {
    let found = 0;
    let queued = 0;
    const missing: string[] = [];
    for (const p of paths.map((x) => path.resolve(x))) {
      if (!(await stat(p).catch(() => null))) {
        missing.push(p);
        continue;
      }
      const r = await this.scan(p, { keepMissing: true });
      found += r.found;
      queued += r.queued;
    }
    return { found, queued, missing };
  }

  /** Rescan every watched folder (and retry failed files when asked). */
  async scanFolders(opts: { retryFailed?: boolean } = {}): Promise<void> {
    for (const f of this.db.folders()) await this.scan(f.path, opts);
    // A package deleted behind our back is made again.
    for (const r of this.db.files()) {
      if (r.state === 'ready' && r.programId && !(await stat(path.join(this.mediaDir, r.programId, 'library.json')).catch(() => null))) {
        this.db.queue(r, Date.now());
      }
    }
    this.pump();
  }

  /** Scan one folder or file: queue new and changed files; remove the vanished ones (folders only). */
  async scan(root: string, opts: { retryFailed?: boolean; keepMissing?: boolean } = {}): Promise<{ found: number; queued: number }> {
    const abs = path.resolve(root);
    const rootStat = await stat(abs).catch(() => null);
    if (!rootStat) {
      if (this.db.folders().some((f) => f.path === abs)) this.unavailable.add(abs);
      return { found: 0, queued: 0 };
    }
    this.unavailable.delete(abs);
    const watched = this.db.folders().find((f) => isUnder(abs, f.path))?.path ?? null;
    const found = await walk(abs);
    let queued = 0;
    const seen = new Set<string>();
    for (const f of found) {
      seen.add(f.path);
      const row = this.db.file(f.path);
      const changed = !row || row.size !== f.size || row.mtimeMs !== f.mtimeMs || row.sidecars !== f.sidecars;
      if (changed || (opts.retryFailed && row?.state === 'failed')) {
        if (row && this.running.has(row.path)) this.running.get(row.path)?.abort();
        this.db.queue({ ...f, folder: watched }, Date.now());
        queued++;
      }
    }
    if (rootStat.isDirectory() && !opts.keepMissing) {
      for (const r of this.db.files()) if (isUnder(r.path, abs) && !seen.has(r.path)) await this.removeFile(r);
    }
    if (watched && this.trees.has(watched)) await this.trees.watch(watched);
    if (queued > 0) this.emit('changed');
    this.pump();
    return { found: found.length, queued };
  }

  /** Watched folders with their state, and every file with its job. */
  status() {
    const files = this.db.files();
    const folders = this.db.folders().map((f) => {
      const mine = files.filter((r) => isUnder(r.path, f.path));
      return {
        path: f.path,
        source: f.source,
        addedAt: f.addedAt,
        state: this.unavailable.has(f.path) ? ('unavailable' as const) : this.trees.has(f.path) ? ('watching' as const) : ('idle' as const),
        files: mine.length,
        ready: mine.filter((r) => r.state === 'ready').length,
        failed: mine.filter((r) => r.state === 'failed').length,
        pending: mine.filter((r) => r.state === 'queued' || r.state === 'packaging').length,
      };
    });
    return { folders, files, concurrency: this.concurrency };
  }

  /** Resolves when no job is queued or running (the CLI waits for this). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Apply the owner's edits to a library programme (kept across rescans). */
  async edit(programId: string, edits: ProgramEdits): Promise<Program | null> {
    const row = this.db.program(programId);
    if (!row) return null;
    const merged = mergeEdits(parseEdits(row.edits), edits);
    this.db.setEdits(programId, JSON.stringify(merged));
    const program = await this.entryOf(programId);
    if (program) await this.o.catalogue.upsert(program);
    return program;
  }

  /** The catalogue entry of a library programme as it would be upserted now. */
  async entryOf(programId: string): Promise<Program | null> {
    const row = this.db.program(programId);
    const file = this.db.filesOfProgram(programId).find((f) => f.state === 'ready');
    const desc = row ? await readDescription(path.join(this.mediaDir, programId)) : null;
    if (!row || !file || !desc) return null;
    return programEntry(programId, file.path, desc.tags, desc, parseEdits(row.edits));
  }

  /** Stop watchers and running jobs (they resume at the next open). */
  async close(): Promise<void> {
    this.closed = true;
    this.trees.close();
    for (const t of this.debounce.values()) clearTimeout(t);
    for (const c of this.running.values()) c.abort();
    await Promise.allSettled([...this.scans]);
    const deadline = Date.now() + 5000;
    while (this.running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.db.requeueInterrupted(Date.now());
    this.db.close();
  }

  private isIdle(): boolean {
    return this.running.size === 0 && this.scans.size === 0 && this.db.nextQueued(new Set()) === null;
  }

  private track(p: Promise<unknown>): void {
    const t = p.catch((err: unknown) => this.log.error({ err }, 'library scan failed')).finally(() => {
      this.scans.delete(t);
      this.checkIdle();
    });
    this.scans.add(t);
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private watchFolder(folder: string): void {
    if (this.closed) return;
    void this.trees.watch(folder).then((ok) => {
      if (!ok) this.unavailable.add(folder);
    });
  }

  private folderChanged(folder: string): void {
    clearTimeout(this.debounce.get(folder));
    this.debounce.set(
      folder,
      setTimeout(() => {
        this.debounce.delete(folder);
        if (!this.closed) this.track(this.scan(folder));
      }, this.o.watchDebounceMs ?? 1000),
    );
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.concurrency) {
      const next = this.db.nextQueued(new Set(this.running.keys()));
      if (!next) break;
      const ctl = new AbortController();
      this.running.set(next.path, ctl);
      this.db.setState(next.path, 'packaging');
      void this.runJob(next, ctl.signal).finally(() => {
        this.running.delete(next.path);
        this.emit('changed');
        this.pump();
        this.checkIdle();
      });
    }
    this.checkIdle();
  }

  /** Wait until the file stopped changing (a copy in progress); false when it vanished. */
  private async settled(file: string, signal: AbortSignal): Promise<boolean> {
    const settle = this.o.settleMs ?? 2000;
    let last = await stat(file).catch(() => null);
    while (last && Date.now() - last.mtimeMs < settle) {
      await new Promise((r) => setTimeout(r, Math.min(settle, 500)));
      if (signal.aborted) return false;
      const now = await stat(file).catch(() => null);
      if (!now) return false;
      last = now;
    }
    return last !== null;
  }

  private async runJob(row: FileRow, signal: AbortSignal): Promise<void> {
    let tmp: string | null = null;
    try {
      if (!(await this.settled(row.path, signal))) {
        if (!signal.aborted) await this.removeFile(row);
        return;
      }
      const s = await stat(row.path);
      const hash = await contentHash(row.path);
      const known = this.db.programByHash(hash);
      const othersOfOld = row.programId ? this.db.filesOfProgram(row.programId).filter((f) => f.path !== row.path) : [];
      const keepOld = row.programId && othersOfOld.length === 0 && (!known || known.programId === row.programId) ? row.programId : null;
      let desc = known ? await readDescription(path.join(this.mediaDir, known.programId)) : null;
      const reuse = known && desc?.hash === hash && (desc.source !== row.path || desc.sidecars === row.sidecars);
      let programId: string;
      if (reuse && known) {
        programId = known.programId;
      } else {
        const names = await readdir(path.dirname(row.path));
        const info = await probeFile(row.path, signal);
        const plan = planPackage(info, sidecarSubtitles(row.path, names), this.o.maxRenditions);
        const title = describeFile(row.path, info.tags).title;
        programId = known?.programId ?? keepOld ?? newProgramId(title, hash);
        tmp = path.join(this.mediaDir, `.tmp-${programId}-${randomBytes(4).toString('hex')}`);
        await mkdir(tmp);
        let lastWrite = 0;
        desc = await packageFile({
          source: row.path, info, plan, poster: sidecarPoster(row.path, names), title, hash, outDir: tmp, signal,
          onProgress: (p) => {
            const job = { path: row.path, programId, fraction: p.fraction, speed: p.speed, etaSec: p.etaSec, phase: p.phase };
            this.emit('progress', job);
            if (Date.now() - lastWrite > 500) {
              lastWrite = Date.now();
              this.db.setProgress(row.path, p.fraction, p.speed, p.etaSec, p.phase);
            }
          },
          sidecars: row.sidecars,
        });
        if (signal.aborted) throw new Error('aborted');
        await swapInto(tmp, path.join(this.mediaDir, programId));
        tmp = null;
      }
      this.db.putProgram(programId, hash);
      const entry = await this.entryOf(programId).catch(() => null);
      const program = entry ?? programEntry(programId, row.path, desc?.tags ?? {}, desc as PackageDescription, parseEdits(this.db.program(programId)?.edits ?? '{}'));
      if (signal.aborted) throw new Error('aborted');
      this.db.setState(row.path, 'ready', { hash, programId, progress: 1 }, Math.max(Date.now(), Math.round(s.mtimeMs)));
      await this.o.catalogue.upsert(entry ?? (await this.entryOf(programId)) ?? program);
      if (row.programId && row.programId !== programId) await this.dropIfOrphan(row.programId);
      this.log.info({ file: row.path, programId, reused: Boolean(reuse) }, 'library: programme ready');
    } catch (err) {
      if (signal.aborted) return;
      const message = failureMessage(err);
      this.log.warn({ file: row.path, error: message }, 'library: file failed');
      this.db.setState(row.path, 'failed', { error: message, progress: 0 });
    } finally {
      if (tmp) await rm(tmp, { recursive: true, force: true });
    }
  }

  /** Forget a file; its programme is withdrawn when no other file holds it. */
  private async removeFile(row: FileRow): Promise<void> {
    this.running.get(row.path)?.abort();
    this.db.deleteFile(row.path);
    if (row.programId) await this.dropIfOrphan(row.programId);
    this.emit('changed');
  }

  /**
   * Withdraw a programme no file holds any more. The library keeps its row (content hash → id,
   * the owner's edits), so the same content returning is packaged into the same programme,
   * which the catalogue then takes back with its records; the package itself is deleted.
   */
  private async dropIfOrphan(programId: string): Promise<void> {
    if (this.db.filesOfProgram(programId).length > 0) return;
    await this.o.catalogue.withdraw(programId);
    await rm(path.join(this.mediaDir, programId), { recursive: true, force: true });
    this.log.info({ programId }, 'library: programme withdrawn (its file is gone; its viewing records stay until they age out)');
  }
}
