/**
 * The household server's media library, from the PC app: Household → Add Folder… (the native
 * folder dialog) and the `library…` bridge methods behind Settings → Library.
 *
 * Only main holds the embedded server's admin token (the server writes it to
 * `<server data>/admin-token`, mode 0600); the page asks main, main asks the server's admin API
 * (server-mock/library/routes.ts) and answers with the data, never the token. The folders the
 * user chose are also kept in the app's store (`server.libraryFolders`) and given to the server
 * as `--library` at every start, so they survive a reset of the server's data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Value from 'typebox/value';
import { AppError, isErrorCode, type ErrorCode } from '../common/errors.ts';
import { LibraryOverview, LibraryProgram, type LibraryProgramEdits } from '../common/ipc.ts';
import type { ServerStatus } from '../common/ipc.ts';
import type { Translate } from '../common/i18n/index.ts';
import type { LocalState } from './local-state.ts';
import type { Logger } from './log.ts';

/** `dialog.showOpenDialog` for folders, reduced to what is used. */
export type ChooseFolders = (options: { title: string; buttonLabel: string; properties: ('openDirectory' | 'multiSelections' | 'createDirectory')[] }) => Promise<{ canceled: boolean; filePaths: string[] }>;

/** What the library control needs. */
export interface LibraryControlDeps {
  state: LocalState;
  log: Logger;
  /** The household server's status (embedded and running, or nothing to manage). */
  status: () => ServerStatus;
  /** The embedded server's data folder (its `admin-token` file is there). */
  serverDataDir: string;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  chooseFolders: ChooseFolders;
  /** Tell the user something went wrong (a native message box), in the app's language. */
  showError: (title: string, detail: string) => void;
  t: () => Translate;
}

/** The folders remembered for the embedded server's `--library` flags. */
export function rememberedFolders(state: LocalState): string[] {
  return state.server.libraryFolders ?? [];
}

export class LibraryControl {
  readonly #d: LibraryControlDeps;

  constructor(deps: LibraryControlDeps) {
    this.#d = deps;
  }

  /** Folders, jobs, programmes and missing media, in one answer. */
  async overview(): Promise<LibraryOverview> {
    const [status, programs, media] = await Promise.all([
      this.#call<Omit<LibraryOverview, 'programs' | 'missingMedia'>>('GET', '/admin/v1/library'),
      this.#call<{ programs: LibraryOverview['programs'] }>('GET', '/admin/v1/library/programs'),
      this.#call<{ programs: LibraryOverview['missingMedia'] }>('GET', '/admin/v1/library/media'),
    ]);
    const out = { ...status, programs: programs.programs, missingMedia: media.programs };
    if (!Value.Check(LibraryOverview, out)) throw new AppError('INTERNAL', 'The server’s library answer does not fit the contract');
    return out;
  }

  /** Watch folders: the admin API now, and remembered for the next start. Returns those added. */
  async addFolders(paths: readonly string[]): Promise<string[]> {
    const added: string[] = [];
    for (const p of paths) {
      const folder = await this.#call<{ path: string }>('POST', '/admin/v1/library/folders', { path: p });
      added.push(folder.path);
      const known = rememberedFolders(this.#d.state);
      if (!known.includes(folder.path)) this.#d.state.server = { ...this.#d.state.server, libraryFolders: [...known, folder.path] };
    }
    if (added.length) this.#d.log.info(`library: watching ${added.join(', ')}`);
    return added;
  }

  /** The native folder dialog, then `addFolders`. Cancelled: nothing added. */
  async chooseAndAdd(): Promise<string[]> {
    const t = this.#d.t();
    this.#requireEmbedded();
    const r = await this.#d.chooseFolders({ title: t('pc.dialog.addFolder.title'), buttonLabel: t('pc.dialog.addFolder.button'), properties: ['openDirectory', 'multiSelections', 'createDirectory'] });
    if (r.canceled || r.filePaths.length === 0) return [];
    return this.addFolders(r.filePaths);
  }

  /** The menu's Add Folder…: like `chooseAndAdd`, with a message box instead of a rejection. */
  async menuAddFolder(): Promise<void> {
    try {
      await this.chooseAndAdd();
    } catch (err) {
      const t = this.#d.t();
      // The box speaks the interface language (the server's message is English): the reason
      // by its stable code; the server's own words go to the log.
      const detail = this.#d.status().mode === 'remote' ? t('pc.dialog.addFolder.remoteOnly') : t('pc.dialog.addFolder.reason', { code: err instanceof AppError ? err.code : 'other' });
      this.#d.log.warn('library: adding a folder failed', err instanceof Error ? err.message : String(err));
      this.#d.showError(t('pc.dialog.addFolder.failed'), detail);
    }
  }

  /** Stop watching a folder (its programmes go), and forget it for the next start. */
  async removeFolder(path: string): Promise<void> {
    const known = rememberedFolders(this.#d.state);
    if (known.includes(path)) this.#d.state.server = { ...this.#d.state.server, libraryFolders: known.filter((f) => f !== path) };
    await this.#call('DELETE', `/admin/v1/library/folders?path=${encodeURIComponent(path)}`);
  }

  /** Rescan the watched folders. */
  async scan(retryFailed: boolean): Promise<void> {
    await this.#call('POST', '/admin/v1/library/scan', { retryFailed });
  }

  /** The owner's edits of one programme. */
  async editProgram(programId: string, edits: LibraryProgramEdits): Promise<LibraryProgram> {
    const out = await this.#call<LibraryProgram>('PATCH', `/admin/v1/library/programs/${encodeURIComponent(programId)}`, edits);
    if (!Value.Check(LibraryProgram, out)) throw new AppError('INTERNAL', 'The server’s answer does not fit the contract');
    return out;
  }

  #requireEmbedded(): string {
    const s = this.#d.status();
    if (s.mode !== 'embedded') throw new AppError('FORBIDDEN', 'This PC uses a server elsewhere: its library is managed there (admin API)');
    if (s.state !== 'running' || !s.url) throw new AppError('UPSTREAM_UNAVAILABLE', 'The household server is not running');
    return s.url;
  }

  /** One admin API call; the server's 4xx keeps its stable code and message. */
  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const base = this.#requireEmbedded();
    let token: string;
    try {
      token = readFileSync(join(this.#d.serverDataDir, 'admin-token'), 'utf8').trim();
    } catch {
      throw new AppError('UPSTREAM_UNAVAILABLE', 'The household server’s admin token is not there yet');
    }
    const res = await this.#d.fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status === 204) return undefined as T;
    const json = (await res.json().catch(() => null)) as { code?: string; message?: string } | null;
    if (!res.ok) {
      const code: ErrorCode = res.status < 500 && isErrorCode(json?.code) ? json.code : 'UPSTREAM_UNAVAILABLE';
      throw new AppError(code, typeof json?.message === 'string' ? json.message : `The server answered ${res.status}`);
    }
    return json as T;
  }
}
