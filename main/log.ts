/**
 * The main process's logger: one line per event on stderr (captured by the launcher and, in a
 * packaged app, by the OS). Modules take a `Logger` so tests can collect what they say.
 */

/** What main-process modules log through. */
export interface Logger {
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

function line(level: string, message: string, detail: unknown): string {
  const suffix = detail === undefined ? '' : ` ${detail instanceof Error ? (detail.stack ?? detail.message) : JSON.stringify(detail)}`;
  return `[main] ${level} ${message}${suffix}`;
}

/** Log to the console (stderr). */
export const consoleLogger: Logger = {
  info: (m, d) => console.error(line('info', m, d)),
  warn: (m, d) => console.error(line('warn', m, d)),
  error: (m, d) => console.error(line('error', m, d)),
};

/** A logger that keeps what it is told (tests). */
export function memoryLogger(): Logger & { lines: { level: string; message: string; detail: unknown }[] } {
  const lines: { level: string; message: string; detail: unknown }[] = [];
  return {
    lines,
    info: (message, detail) => lines.push({ level: 'info', message, detail }),
    warn: (message, detail) => lines.push({ level: 'warn', message, detail }),
    error: (message, detail) => lines.push({ level: 'error', message, detail }),
  };
}
