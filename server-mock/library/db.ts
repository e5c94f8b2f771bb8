/**
 * The library's own state, in `<data>/library.sqlite` (node:sqlite, WAL): the watched folders,
 * every known file with its job state, and the programmes the library made (content hash →
 * programme id, and the owner's edits). Kept apart from the catalogue store so a library that
 * is switched off leaves the catalogue schema untouched; the catalogue only ever receives
 * complete programmes.
 */
import { DatabaseSync } from 'node:sqlite';

/** A job's state: waiting, running, done, or failed with a message. */
export type FileState = 'queued' | 'packaging' | 'ready' | 'failed';

/** One known media file. */
export interface FileRow {
  path: string;
  /** The watched folder it was found in, or null when added once (CLI / API). */
  folder: string | null;
  size: number;
  mtimeMs: number;
  /** Names and mtimes of its sidecars (a new subtitle repackages it). */
  sidecars: string;
  hash: string | null;
  programId: string | null;
  state: FileState;
  error: string | null;
  progress: number;
  speed: number;
  etaSec: number | null;
  phase: string | null;
  updatedAt: number;
}

/** Where a watched folder came from. */
export type FolderSource = 'config' | 'api';

/** A watched folder. */
export interface FolderRow {
  path: string;
  source: FolderSource;
  addedAt: number;
}

/** A programme the library made (kept when its files go: the programme is withdrawn, not forgotten). */
export interface LibraryProgramRow {
  programId: string;
  hash: string;
  /** The owner's edits (JSON of ProgramEdits). */
  edits: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS folders (path TEXT PRIMARY KEY, source TEXT NOT NULL, added_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS files (
  path TEXT PRIMARY KEY, folder TEXT, size INTEGER NOT NULL, mtime_ms INTEGER NOT NULL, sidecars TEXT NOT NULL DEFAULT '',
  hash TEXT, program_id TEXT, state TEXT NOT NULL, error TEXT, progress REAL NOT NULL DEFAULT 0, speed REAL NOT NULL DEFAULT 0,
  eta_sec REAL, phase TEXT, updated_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS files_state ON files (state, updated_at);
CREATE INDEX IF NOT EXISTS files_program ON files (program_id);
CREATE TABLE IF NOT EXISTS programs (program_id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, edits TEXT NOT NULL DEFAULT '{}');
`;

type Row = Record<string, unknown>;

function fileOf(r: Row): FileRow {
  return {
    path: r.path as string,
    folder: (r.folder as string | null) ?? null,
    size: Number(r.size),
    mtimeMs: Number(r.mtime_ms),
    sidecars: (r.sidecars as string) ?? '',
    hash: (r.hash as string | null) ?? null,
    programId: (r.program_id as string | null) ?? null,
    state: r.state as FileState,
    error: (r.error as string | null) ?? null,
    progress: Number(r.progress),
    speed: Number(r.speed),
    etaSec: r.eta_sec === null ? null : Number(r.eta_sec),
    phase: (r.phase as string | null) ?? null,
    updatedAt: Number(r.updated_at),
  };
}

/** The library database. Synchronous (node:sqlite); every call is a few microseconds. */
export class LibraryDb {
  private readonly db: DatabaseSync;

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  folders(): FolderRow[] {
    return this.db.prepare('SELECT path, source, added_at FROM folders ORDER BY path').all().map((r) => ({ path: r.path as string, source: r.source as FolderSource, addedAt: Number(r.added_at) }));
  }

  addFolder(path: string, source: FolderSource, at: number): boolean {
    return this.db.prepare('INSERT INTO folders (path, source, added_at) VALUES (?, ?, ?) ON CONFLICT (path) DO NOTHING').run(path, source, at).changes === 1;
  }

  removeFolder(path: string): boolean {
    return this.db.prepare('DELETE FROM folders WHERE path = ?').run(path).changes === 1;
  }

  file(path: string): FileRow | null {
    const r = this.db.prepare('SELECT * FROM files WHERE path = ?').get(path);
    return r ? fileOf(r) : null;
  }

  files(): FileRow[] {
    return this.db.prepare('SELECT * FROM files ORDER BY path').all().map(fileOf);
  }

  filesUnder(folder: string): FileRow[] {
    return this.db.prepare('SELECT * FROM files WHERE folder = ?').all(folder).map(fileOf);
  }

  filesOfProgram(programId: string): FileRow[] {
    return this.db.prepare('SELECT * FROM files WHERE program_id = ?').all(programId).map(fileOf);
  }

  /** The oldest queued file, or null. */
  nextQueued(exclude: ReadonlySet<string>): FileRow | null {
    for (const r of this.db.prepare("SELECT * FROM files WHERE state = 'queued' ORDER BY updated_at, path").iterate()) {
      if (!exclude.has(r.path as string)) return fileOf(r);
    }
    return null;
  }

  /** Queue a file (new or changed): keeps its programme id so a changed file keeps its history. */
  queue(f: { path: string; folder: string | null; size: number; mtimeMs: number; sidecars: string }, at: number): void {
    this.db
      .prepare(
        `INSERT INTO files (path, folder, size, mtime_ms, sidecars, state, updated_at) VALUES (?, ?, ?, ?, ?, 'queued', ?)
         ON CONFLICT (path) DO UPDATE SET folder = COALESCE(excluded.folder, files.folder), size = excluded.size, mtime_ms = excluded.mtime_ms,
           sidecars = excluded.sidecars, state = 'queued', error = NULL, progress = 0, speed = 0, eta_sec = NULL, phase = NULL, updated_at = excluded.updated_at`,
      )
      .run(f.path, f.folder, f.size, f.mtimeMs, f.sidecars, at);
  }

  setState(path: string, state: FileState, fields: { error?: string | null; hash?: string; programId?: string | null; progress?: number } = {}, at = Date.now()): void {
    const cur = this.file(path);
    if (!cur) return;
    this.db
      .prepare('UPDATE files SET state = ?, error = ?, hash = ?, program_id = ?, progress = ?, speed = CASE WHEN ? THEN 0 ELSE speed END, eta_sec = NULL, updated_at = ? WHERE path = ?')
      .run(state, fields.error ?? null, fields.hash ?? cur.hash, fields.programId === undefined ? cur.programId : fields.programId, fields.progress ?? cur.progress, state === 'queued' ? 1 : 0, at, path);
  }

  setProgress(path: string, progress: number, speed: number, etaSec: number | null, phase: string): void {
    this.db.prepare('UPDATE files SET progress = ?, speed = ?, eta_sec = ?, phase = ? WHERE path = ?').run(progress, speed, etaSec, phase, path);
  }

  deleteFile(path: string): void {
    this.db.prepare('DELETE FROM files WHERE path = ?').run(path);
  }

  /** Jobs a crash or stop interrupted go back to the queue (the temp package is discarded). */
  requeueInterrupted(at: number): number {
    return Number(this.db.prepare("UPDATE files SET state = 'queued', progress = 0, speed = 0, eta_sec = NULL, phase = NULL, updated_at = ? WHERE state = 'packaging'").run(at).changes);
  }

  programByHash(hash: string): LibraryProgramRow | null {
    const r = this.db.prepare('SELECT program_id, hash, edits FROM programs WHERE hash = ?').get(hash);
    return r ? { programId: r.program_id as string, hash: r.hash as string, edits: r.edits as string } : null;
  }

  program(programId: string): LibraryProgramRow | null {
    const r = this.db.prepare('SELECT program_id, hash, edits FROM programs WHERE program_id = ?').get(programId);
    return r ? { programId: r.program_id as string, hash: r.hash as string, edits: r.edits as string } : null;
  }

  programs(): LibraryProgramRow[] {
    return this.db.prepare('SELECT program_id, hash, edits FROM programs ORDER BY program_id').all().map((r) => ({ programId: r.program_id as string, hash: r.hash as string, edits: r.edits as string }));
  }

  /** Record (or move to a new hash) the programme a content hash packaged into. */
  putProgram(programId: string, hash: string): void {
    this.db.prepare('DELETE FROM programs WHERE hash = ? AND program_id <> ?').run(hash, programId);
    this.db.prepare('INSERT INTO programs (program_id, hash) VALUES (?, ?) ON CONFLICT (program_id) DO UPDATE SET hash = excluded.hash').run(programId, hash);
  }

  setEdits(programId: string, edits: string): void {
    this.db.prepare('UPDATE programs SET edits = ? WHERE program_id = ?').run(edits, programId);
  }

}
