/**
 * Watching folder trees: one non-recursive `fs.watch` per directory. Node's `recursive: true` on
 * Linux loses events for a file that was replaced by a rename (it stops reporting its removal),
 * so each tree is watched directory by directory and re-listed after every scan of it (new
 * subfolders get a watcher, removed ones lose theirs).
 */
import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** The watchers of every watched tree. */
export class TreeWatchers {
  private readonly trees = new Map<string, Map<string, FSWatcher>>();
  private closed = false;
  private readonly onChange: (folder: string) => void;
  private readonly log: { warn(obj: object, msg?: string): void };

  constructor(onChange: (folder: string) => void, log: { warn(obj: object, msg?: string): void }) {
    this.onChange = onChange;
    this.log = log;
  }

  /** True while `folder` is watched. */
  has(folder: string): boolean {
    return this.trees.has(folder);
  }

  /** Watch (or re-list) the tree under `folder`; false when the folder cannot be read. */
  async watch(folder: string): Promise<boolean> {
    if (this.closed) return true;
    const entries = await readdir(folder, { withFileTypes: true, recursive: true }).catch(() => null);
    if (!entries) return false;
    const dirs = new Set([folder]);
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) dirs.add(path.join(e.parentPath, e.name));
    let set = this.trees.get(folder);
    if (!set) this.trees.set(folder, (set = new Map()));
    for (const [dir, w] of set) {
      if (!dirs.has(dir)) {
        w.close();
        set.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (set.has(dir) || this.closed) continue;
      try {
        const w = watch(dir, { persistent: false }, () => this.onChange(folder));
        w.on('error', () => {
          w.close();
          set.delete(dir);
          this.onChange(folder);
        });
        set.set(dir, w);
      } catch (err) {
        this.log.warn({ err, dir }, 'library: cannot watch folder');
        if (dir === folder) return false;
      }
    }
    return true;
  }

  /** Stop watching one tree. */
  unwatch(folder: string): void {
    for (const w of this.trees.get(folder)?.values() ?? []) w.close();
    this.trees.delete(folder);
  }

  /** Stop everything. */
  close(): void {
    this.closed = true;
    for (const folder of [...this.trees.keys()]) this.unwatch(folder);
  }
}
