/**
 * The main process's log files: rotating files in the OS's log folder (Electron's
 * `app.getPath('logs')`: ~/Library/Logs/<app> on macOS, <userData>/logs on Linux and Windows),
 * written with electron-log's file transport (a maintained library: synchronous appends, so a
 * line logged just before the process dies is on disk). `main.log` holds what main says (and
 * still goes to stderr for a terminal); `server.log` the household server's output. Each file
 * rotates at `maxBytes` into `.1.log` … `.<keep>.log`. Help → "Open Log Folder" shows the folder.
 *
 * electron-log's Node entry is used (not its Electron one): it needs no `electron` import, so
 * the same code runs in unit tests; the folder comes from Electron through main/app.ts.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, parse } from 'node:path';
import electronLog from 'electron-log/node.js';
import { consoleLogger, type Logger } from './log.ts';

/** How big a log file grows before it rotates, and how many old ones stay. */
export const LOG_ROTATION = { maxBytes: 2 * 1024 * 1024, keep: 3 } as const;

/** Rotate `file` into `name.1.ext` … `name.<keep>.ext`, dropping the oldest. */
export function rotate(file: string, keep: number = LOG_ROTATION.keep): void {
  const p = parse(file);
  const nth = (n: number) => join(p.dir, `${p.name}.${n}${p.ext}`);
  rmSync(nth(keep), { force: true });
  for (let n = keep - 1; n >= 1; n--) if (existsSync(nth(n))) renameSync(nth(n), nth(n + 1));
  if (existsSync(file)) renameSync(file, nth(1));
}

/** One log file. */
export interface FileLog {
  /** Append one line (already formatted by the caller, or a plain message). */
  write(level: 'info' | 'warn' | 'error', message: string, detail?: unknown): void;
  readonly path: string;
}

/** A rotating log file `dir/name` (electron-log file transport, console off). */
export function openFileLog(dir: string, name: string, maxBytes: number = LOG_ROTATION.maxBytes, keep: number = LOG_ROTATION.keep): FileLog {
  mkdirSync(dir, { recursive: true });
  const log = electronLog.create({ logId: `ra-${name}` });
  const file = join(dir, name);
  log.transports.console.level = false;
  log.transports.file.resolvePathFn = () => file;
  log.transports.file.maxSize = maxBytes;
  log.transports.file.archiveLogFn = (old) => {
    try {
      rotate(old.toString(), keep);
    } catch (err) {
      console.error(`[main] warn could not rotate ${file}: ${String(err)}`);
    }
  };
  return {
    path: file,
    write: (level, message, detail) => (detail === undefined ? log[level](message) : log[level](message, detail)),
  };
}

/** The app's logger: stderr (as before) and `dir/main.log`. */
export function appLogger(dir: string): Logger & { file: FileLog } {
  const file = openFileLog(dir, 'main.log');
  const both = (level: 'info' | 'warn' | 'error') => (message: string, detail?: unknown) => {
    consoleLogger[level](message, detail);
    file.write(level, message, detail);
  };
  return { file, info: both('info'), warn: both('warn'), error: both('error') };
}
