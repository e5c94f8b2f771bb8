/**
 * Settings → Library: the household server's media library, in the PC app (the Electron bridge's
 * `library…` methods: main holds the admin token and asks the server, the page never sees it).
 * Folders with their state, every file's job (progress %, speed × realtime, ETA, error), add
 * (the native folder dialog) and remove a folder, rescan and retry failed files, programmes whose
 * media is missing, and the owner's edits (title, synopses per language, age rating, terminal
 * types). In a plain browser (no such bridge) it says where the library is managed.
 */
import { useCallback, useEffect, useId, useState } from 'react';
import type { ElectronBridge, LibraryFileJob, LibraryOverview, LibraryProgram, LibraryProgramEdits } from '../../../common/ipc.ts';
import { formatDuration, LANGUAGES, programTitle, type Translate } from '../../../common/i18n/index.ts';
import type { PlatformBridge } from '../../../common/platform.ts';
import { useLanguage, useRuntime, useT } from './context.tsx';

/** The bridge's library methods, when this renderer runs in the PC app. */
export type LibraryBridge = Pick<ElectronBridge, 'libraryOverview' | 'libraryAddFolders' | 'libraryRemoveFolder' | 'libraryScan' | 'libraryEditProgram'>;

/** The library methods of a bridge, or null (a plain browser). */
export function libraryBridge(bridge: PlatformBridge): LibraryBridge | null {
  return 'libraryOverview' in bridge ? (bridge as unknown as LibraryBridge) : null;
}

/** One line about a file's job: state, then progress (percent, speed × realtime, ETA) or the error. */
export function jobLine(job: LibraryFileJob, t: Translate): string {
  const state = t('library.job.state', { state: job.state });
  if (job.state === 'failed') return `${state}: ${job.error ?? ''}`;
  if (job.state !== 'packaging') return state;
  const percent = Math.round(job.progress * 100);
  const speed = job.speed.toFixed(1);
  const progress = job.etaSec === null ? t('library.job.progressNoEta', { percent, speed }) : t('library.job.progress', { percent, speed, eta: formatDuration(job.etaSec * 1000, t) });
  return `${state} · ${progress}`;
}

const TYPES = ['pc', 'mobile', 'stb'] as const;
const RATINGS = [0, 6, 12, 16, 18] as const;
const POLL_MS = 2000;

/** The Library section of Settings. */
export function LibrarySettings() {
  const rt = useRuntime();
  const t = useT();
  const lib = libraryBridge(rt.bridge);
  const headingId = useId();
  return (
    <section className="library-settings" aria-labelledby={headingId} data-testid="library-settings">
      <h3 id={headingId}>{t('library.title')}</h3>
      {lib ? <LibraryPanel lib={lib} /> : <p className="hint">{t('library.browserOnly')}</p>}
    </section>
  );
}

function LibraryPanel({ lib }: { lib: LibraryBridge }) {
  const t = useT();
  const lang = useLanguage();
  const [overview, setOverview] = useState<LibraryOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      setOverview(await lib.libraryOverview());
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [lib]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const act = (f: () => Promise<unknown>) => () => void f().then(refresh, (err: unknown) => setError(err instanceof Error ? err.message : String(err)));

  return (
    <>
      <p className="hint">{t('library.lead')}</p>
      {error && (
        <p className="callout" role="alert">
          {t('library.error', { message: error })}
        </p>
      )}
      <div className="row-actions">
        <button type="button" className="btn" onClick={act(() => lib.libraryAddFolders())}>
          {t('library.addFolder')}
        </button>
        <button type="button" className="btn btn-ghost" onClick={act(() => lib.libraryScan({ retryFailed: false }))}>
          {t('library.rescan')}
        </button>
        <button type="button" className="btn btn-ghost" onClick={act(() => lib.libraryScan({ retryFailed: true }))} disabled={!overview?.files.some((f) => f.state === 'failed')}>
          {t('library.retryFailed')}
        </button>
      </div>
      {!overview ? (
        <p className="hint">{t('library.loading')}</p>
      ) : (
        <>
          {overview.folders.length === 0 && <p className="hint">{t('library.noFolders')}</p>}
          <ul className="library-list" data-testid="library-folders">
            {overview.folders.map((f) => (
              <li key={f.path}>
                <strong className="ellipsis">{f.path}</strong>
                <span className="muted">
                  {t('library.folder.state', { state: f.state })} · {t('library.folder.counts', { files: f.files, ready: f.ready, failed: f.failed, pending: f.pending })}
                </span>
                <button type="button" className="btn btn-ghost" aria-label={t('library.remove.label', { path: f.path })} onClick={act(() => lib.libraryRemoveFolder(f.path))}>
                  {t('library.remove')}
                </button>
              </li>
            ))}
          </ul>
          {overview.files.length > 0 && (
            <>
              <h4>{t('library.jobs')}</h4>
              <ul className="library-list" data-testid="library-jobs">
                {overview.files.map((j) => (
                  <li key={j.path} data-state={j.state}>
                    <span className="ellipsis">{j.path.split(/[\\/]/).pop()}</span>
                    {j.state === 'packaging' && <progress max={1} value={j.progress} aria-label={j.path} />}
                    <span className={j.state === 'failed' ? 'error-text' : 'muted'}>{jobLine(j, t)}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
          <h4>{t('library.programs')}</h4>
          {overview.programs.length === 0 && <p className="hint">{t('library.noPrograms')}</p>}
          <ul className="library-list" data-testid="library-programs">
            {overview.programs.map((p) => (
              <li key={p.programId}>
                <strong className="ellipsis">{p.program ? programTitle(p.program, lang) : (p.edits.title ?? p.programId)}</strong>
                {p.withdrawn ? (
                  <span className="muted" data-testid="library-withdrawn">{t('library.withdrawn')}</span>
                ) : (
                  <span className="muted">
                    {t('library.tracks', { audio: p.audio.length, subtitles: p.subtitles.length })}
                    {p.media !== 'ok' && ` · ${t('library.media.missing', { media: p.media })}`}
                  </span>
                )}
                <button type="button" className="btn btn-ghost" aria-label={t('library.edit.label', { title: p.program?.title ?? p.programId })} onClick={() => setEditing(editing === p.programId ? null : p.programId)}>
                  {t('library.edit')}
                </button>
                {editing === p.programId && <ProgramEditor program={p} lib={lib} onDone={() => void refresh().then(() => setEditing(null))} />}
              </li>
            ))}
          </ul>
          {overview.missingMedia.length > 0 && (
            <>
              <h4>{t('library.missingMedia')}</h4>
              <ul className="library-list" data-testid="library-missing">
                {overview.missingMedia.map((m) => (
                  <li key={m.programId}>
                    <strong className="ellipsis">{m.title}</strong>
                    <span className="error-text">{t('library.media.missing', { media: m.media })}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </>
  );
}

function ProgramEditor({ program, lib, onDone }: { program: LibraryProgram; lib: LibraryBridge; onDone: () => void }) {
  const t = useT();
  const id = useId();
  const p = program.program;
  const [title, setTitle] = useState(program.edits.title ?? p?.title ?? '');
  const [synopses, setSynopses] = useState<Record<string, string>>(() => Object.fromEntries(LANGUAGES.map((l) => [l.id, program.edits.synopses?.[l.id] ?? p?.synopses?.[l.id] ?? (l.id === 'en' ? (p?.synopsis ?? '') : '')])));
  const [rating, setRating] = useState<string>(String(program.edits.ageRating ?? p?.ageRating ?? ''));
  const [types, setTypes] = useState<string[]>([...(program.edits.terminalTypes ?? p?.terminalTypes ?? TYPES)]);
  const [problem, setProblem] = useState<string | null>(null);

  const save = async () => {
    const edits: LibraryProgramEdits = {
      title: title.trim() || null,
      synopses: Object.fromEntries(Object.entries(synopses).filter(([, v]) => v.trim() !== '')),
      ageRating: rating === '' ? null : Number(rating),
      terminalTypes: types.length ? (types as LibraryProgramEdits['terminalTypes']) : null,
    };
    try {
      await lib.libraryEditProgram(program.programId, edits);
      onDone();
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <form
      className="form library-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label htmlFor={`${id}-title`}>{t('library.edit.title')}</label>
      <input id={`${id}-title`} value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
      {LANGUAGES.map((l) => (
        <div key={l.id} className="field">
          <label htmlFor={`${id}-syn-${l.id}`}>{t('library.edit.synopsis', { language: l.name })}</label>
          <textarea id={`${id}-syn-${l.id}`} lang={l.id} maxLength={2000} rows={2} value={synopses[l.id] ?? ''} onChange={(e) => setSynopses({ ...synopses, [l.id]: e.target.value })} />
        </div>
      ))}
      <div className="field">
        <label htmlFor={`${id}-rating`}>{t('library.edit.rating')}</label>
        <select id={`${id}-rating`} value={rating} onChange={(e) => setRating(e.target.value)}>
          <option value="">{t('library.edit.rating.none')}</option>
          {RATINGS.map((r) => (
            <option key={r} value={String(r)}>
              {r}+
            </option>
          ))}
        </select>
      </div>
      <fieldset className="type-picker">
        <legend>{t('library.edit.types')}</legend>
        {TYPES.map((ty) => (
          <label key={ty}>
            <input type="checkbox" checked={types.includes(ty)} onChange={(e) => setTypes(e.target.checked ? [...types, ty] : types.filter((x) => x !== ty))} />
            {t('library.terminalType', { type: ty })}
          </label>
        ))}
      </fieldset>
      {problem && (
        <p className="callout" role="alert">
          {problem}
        </p>
      )}
      <div className="row-actions">
        <button type="submit" className="btn">
          {t('library.edit.save')}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onDone}>
          {t('library.edit.cancel')}
        </button>
      </div>
    </form>
  );
}
