/**
 * Finding media files (recursive, async, symlink loops and unreadable folders skipped) and
 * recognising content: a file is identified by a content hash, not by its path, so a moved or
 * copied file is the same programme. The hash samples the file (its size, and 4 MiB at the
 * start, middle and end, SHA-256) rather than reading it all: a full hash of a 20 GB film would
 * read 20 GB on every change, and these samples already differ between any two real encodes.
 */
import { createHash } from 'node:crypto';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isSidecarFile, isVideoFile } from './naming.ts';

/** Bytes read at each of the three sample points. */
const SAMPLE_BYTES = 4 * 1024 * 1024;

/** The content hash of a file (see the header), hex. */
export async function contentHash(file: string): Promise<string> {
  const h = createHash('sha256');
  const f = await open(file, 'r');
  try {
    const { size } = await f.stat();
    h.update(`ra-library-v1:${size}:`);
    const points = size <= SAMPLE_BYTES * 3 ? [0] : [0, Math.floor(size / 2 - SAMPLE_BYTES / 2), size - SAMPLE_BYTES];
    const len = size <= SAMPLE_BYTES * 3 ? size : SAMPLE_BYTES;
    const buf = Buffer.alloc(Math.min(len, SAMPLE_BYTES * 3));
    for (const at of points) {
      let done = 0;
      while (done < len) {
        const { bytesRead } = await f.read(buf, 0, Math.min(buf.length, len - done), at + done);
        if (bytesRead === 0) break;
        h.update(buf.subarray(0, bytesRead));
        done += bytesRead;
      }
    }
  } finally {
    await f.close();
  }
  return h.digest('hex');
}

/** A media file found by a walk. */
export interface FoundFile {
  path: string;
  size: number;
  mtimeMs: number;
  /** Signature of its sidecars (names and mtimes), so a new subtitle repackages it. */
  sidecars: string;
}

/** The sidecar signature of `video` given its folder's entries. */
export async function sidecarSignature(video: string, siblings: readonly string[]): Promise<string> {
  const stem = path.basename(video, path.extname(video));
  const parts: string[] = [];
  for (const name of [...siblings].sort()) {
    if (!isSidecarFile(name)) continue;
    const isOwn = name.startsWith(`${stem}.`) || name.startsWith(`${stem}-`);
    const isFolderPoster = /^(poster|folder|cover)\.(jpe?g|png)$/i.test(name);
    if (!isOwn && !isFolderPoster) continue;
    const s = await stat(path.join(path.dirname(video), name)).catch(() => null);
    if (s) parts.push(`${name}@${Math.round(s.mtimeMs)}`);
  }
  return parts.join('|');
}

/** Every video file under `root` (a file or a folder), recursively. */
export async function walk(root: string): Promise<FoundFile[]> {
  const out: FoundFile[] = [];
  const seen = new Set<string>();
  async function visit(dir: string): Promise<void> {
    const real = await realpath(dir).catch(() => null);
    if (!real || seen.has(real)) return;
    seen.add(real);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const names = entries.map((e) => e.name);
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory() || (e.isSymbolicLink() && (await stat(full).catch(() => null))?.isDirectory())) {
        await visit(full);
      } else if (isVideoFile(e.name)) {
        const s = await stat(full).catch(() => null);
        if (s?.isFile()) out.push({ path: full, size: s.size, mtimeMs: Math.round(s.mtimeMs), sidecars: await sidecarSignature(full, names) });
      }
    }
  }
  const s = await stat(root).catch(() => null);
  if (!s) return out;
  if (s.isDirectory()) await visit(root);
  else if (s.isFile() && isVideoFile(root)) {
    const names = await readdir(path.dirname(root)).catch(() => []);
    out.push({ path: root, size: s.size, mtimeMs: Math.round(s.mtimeMs), sidecars: await sidecarSignature(root, names) });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
