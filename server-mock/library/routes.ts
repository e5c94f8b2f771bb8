/**
 * The library's admin API (admin token): watched folders, scans, jobs with progress and errors,
 * the library's programmes with their tracks and the owner's edits, and which catalogue
 * programmes have missing or unreachable media. Settings → Library and the PC app's
 * Household → Add Folder… use exactly these routes.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { AppError } from '../../common/errors.ts';
import { Program, ProgramId } from '../../common/protocol/model.ts';
import { guard, type Authenticator } from '../http/auth.ts';
import { errorResponses, security } from '../http/schemas.ts';
import type { Store } from '../store/types.ts';
import type { MediaChecker } from '../streaming/media-check.ts';
import { linkFor } from '../streaming/routes-access.ts';
import { ProgramEdits } from './entry.ts';
import type { Library } from './library.ts';
import { readDescription } from './package.ts';

const FolderPath = Type.String({ minLength: 1, maxLength: 4096, description: 'Absolute path on the server' });

const Folder = Type.Object({
  path: Type.String(),
  source: Type.Union([Type.Literal('config'), Type.Literal('api')], { description: '`config`: a --library flag; `api`: added through this API' }),
  addedAt: Type.Integer(),
  state: Type.Union([Type.Literal('watching'), Type.Literal('idle'), Type.Literal('unavailable')], { description: '`unavailable`: the folder is missing or unreadable (nothing is removed meanwhile)' }),
  files: Type.Integer(),
  ready: Type.Integer(),
  failed: Type.Integer(),
  pending: Type.Integer(),
});

const FileJob = Type.Object({
  path: Type.String(),
  state: Type.Union([Type.Literal('queued'), Type.Literal('packaging'), Type.Literal('ready'), Type.Literal('failed')]),
  programId: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why the file failed (unsupported, damaged, truncated …)' }),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  speed: Type.Number({ description: 'Packaging speed, × realtime' }),
  etaSec: Type.Union([Type.Number(), Type.Null()]),
  phase: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Integer(),
});

const LibraryStatus = Type.Object({
  folders: Type.Array(Folder),
  files: Type.Array(FileJob),
  concurrency: Type.Integer({ description: 'Parallel ffmpeg jobs' }),
});

const Track = Type.Object({ language: Type.String(), label: Type.String() });
const LibraryProgram = Type.Object({
  programId: ProgramId,
  files: Type.Array(Type.String()),
  media: Type.Union([Type.Literal('ok'), Type.Literal('missing'), Type.Literal('unreachable')]),
  withdrawn: Type.Boolean({ description: 'No file holds it any more: out of the catalogue, its viewing records kept until they age out; the same file added again brings it back' }),
  program: Type.Union([Program, Type.Null()], { description: 'The catalogue entry (null while not in the catalogue)' }),
  edits: ProgramEdits,
  audio: Type.Array(Track),
  subtitles: Type.Array(Type.Object({ language: Type.String(), label: Type.String(), forced: Type.Boolean() })),
  renditions: Type.Array(Type.Object({ width: Type.Integer(), height: Type.Integer(), copy: Type.Boolean() })),
  thumbnails: Type.Boolean(),
  skipped: Type.Array(Type.String(), { description: 'Source tracks that could not be packaged, and why' }),
});

const MediaStatus = Type.Object({
  programs: Type.Array(Type.Object({ programId: ProgramId, title: Type.String(), link: Type.String(), media: Type.Union([Type.Literal('ok'), Type.Literal('missing'), Type.Literal('unreachable')]) })),
});

/** Options of the library routes. */
export interface LibraryRoutesOptions {
  library: Library;
  store: Store;
  auth: Authenticator;
  media: MediaChecker;
  /** This cluster's id: which of a programme's links is checked. */
  clusterId: string;
}

async function directory(p: string): Promise<string> {
  if (!path.isAbsolute(p)) throw new AppError('VALIDATION_FAILED', 'The folder must be an absolute path on the server');
  const s = await stat(p).catch(() => null);
  if (!s) throw new AppError('NOT_FOUND', 'No such folder on the server');
  if (!s.isDirectory()) throw new AppError('VALIDATION_FAILED', 'Not a folder');
  return path.resolve(p);
}

export const libraryRoutes: FastifyPluginAsyncTypebox<LibraryRoutesOptions> = async (app, { library, store, auth, media, clusterId }) => {
  const linkOf = (p: Program) => linkFor(p, clusterId) ?? (p.links[0] as Program['links'][0]);
  const onRequest = guard(auth, ['admin']);
  const tags = ['library'];
  const sec = security.admin;

  app.get('/admin/v1/library', { onRequest, schema: { tags, summary: 'Watched folders with their state, and every file with its job (progress, errors)', security: sec, response: { 200: LibraryStatus, ...errorResponses } } }, async () => library.status());

  app.post(
    '/admin/v1/library/folders',
    { onRequest, schema: { tags, summary: 'Watch a folder (recursive); its files are scanned and packaged', security: sec, body: Type.Object({ path: FolderPath }, { additionalProperties: false }), response: { 201: Folder, 200: Folder, ...errorResponses } } },
    async (req, reply) => {
      const dir = await directory(req.body.path);
      const added = await library.addFolder(dir, 'api');
      const folder = library.status().folders.find((f) => f.path === dir);
      if (!folder) throw new AppError('NOT_FOUND', 'That folder is not watched');
      return reply.code(added ? 201 : 200).send(folder);
    },
  );

  app.delete(
    '/admin/v1/library/folders',
    { onRequest, schema: { tags, summary: 'Stop watching a folder; the programmes of its files are withdrawn (their viewing records age out as usual)', security: sec, querystring: Type.Object({ path: FolderPath }), response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      if (!(await library.removeFolder(path.resolve(req.query.path)))) throw new AppError('NOT_FOUND', 'That folder is not watched');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/admin/v1/library/scan',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Scan now: the given files or folders once (not watched), else every watched folder',
        security: sec,
        body: Type.Object({ paths: Type.Optional(Type.Array(FolderPath, { minItems: 1, maxItems: 100 })), retryFailed: Type.Optional(Type.Boolean({ description: 'Queue failed files again' })) }, { additionalProperties: false }),
        response: { 202: Type.Object({ found: Type.Integer(), queued: Type.Integer(), missing: Type.Array(Type.String()) }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { paths, retryFailed } = req.body;
      if (paths) {
        for (const p of paths) if (!path.isAbsolute(p)) throw new AppError('VALIDATION_FAILED', `Not an absolute path: ${p}`);
        const r = await library.add(paths);
        if (r.found === 0 && r.missing.length === paths.length) throw new AppError('NOT_FOUND', 'None of the paths exists on the server');
        return reply.code(202).send(r);
      }
      await library.scanFolders({ retryFailed });
      return reply.code(202).send({ found: library.status().files.length, queued: library.status().files.filter((f) => f.state === 'queued').length, missing: [] });
    },
  );

  app.get(
    '/admin/v1/library/jobs',
    { onRequest, schema: { tags, summary: 'Queued and running jobs with progress (percent, speed × realtime, ETA)', security: sec, response: { 200: Type.Object({ jobs: Type.Array(FileJob) }), ...errorResponses } } },
    async () => ({ jobs: library.status().files.filter((f) => f.state === 'queued' || f.state === 'packaging') }),
  );

  async function describe(programId: string) {
    const row = library.db.program(programId);
    if (!row) return null;
    const desc = await readDescription(path.join(library.mediaDir, programId));
    const program = await store.getProgram(programId);
    const files = library.db.filesOfProgram(programId).map((f) => f.path);
    return {
      programId,
      files,
      media: program ? await media.check(linkOf(program), programId) : desc ? ('ok' as const) : ('missing' as const),
      withdrawn: files.length === 0,
      program,
      edits: JSON.parse(row.edits) as ProgramEdits,
      audio: desc?.audio.map((a) => ({ language: a.language, label: a.label })) ?? [],
      subtitles: desc?.subtitles.map((s) => ({ language: s.language, label: s.label, forced: s.forced })) ?? [],
      renditions: desc?.renditions ?? [],
      thumbnails: Boolean(desc?.thumbnails),
      skipped: desc?.skipped ?? [],
    };
  }

  app.get(
    '/admin/v1/library/programs',
    { onRequest, schema: { tags, summary: 'The library’s programmes: files, tracks, media state and the owner’s edits', security: sec, response: { 200: Type.Object({ programs: Type.Array(LibraryProgram) }), ...errorResponses } } },
    async () => ({ programs: (await Promise.all(library.db.programs().map((p) => describe(p.programId)))).filter((p) => p !== null) }),
  );

  app.patch(
    '/admin/v1/library/programs/:programId',
    {
      onRequest,
      schema: { tags, summary: 'Edit a library programme (title, synopses per language, age rating, terminal types); kept across rescans; null resets a field', security: sec, params: Type.Object({ programId: ProgramId }), body: ProgramEdits, response: { 200: LibraryProgram, ...errorResponses } },
    },
    async (req) => {
      if (!library.db.program(req.params.programId)) throw new AppError('PROGRAM_NOT_FOUND', 'Not a programme of the media library');
      await library.edit(req.params.programId, req.body);
      return (await describe(req.params.programId)) as NonNullable<Awaited<ReturnType<typeof describe>>>;
    },
  );

  app.get(
    '/admin/v1/library/media',
    { onRequest, schema: { tags, summary: 'Every catalogue programme whose media this cluster cannot serve (missing files, unreachable CDN); `all=true` lists all', security: sec, querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }), response: { 200: MediaStatus, ...errorResponses } } },
    async (req) => {
      const out = [];
      for (const p of await store.listPrograms()) {
        const link = linkOf(p);
        const state = await media.check(link, p.id);
        if (state !== 'ok' || req.query.all) out.push({ programId: p.id, title: p.title, link: link.dash, media: state });
      }
      return { programs: out };
    },
  );
};
