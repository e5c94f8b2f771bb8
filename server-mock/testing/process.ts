/** Run server-mock's CLI as a real child process (tests and the Figure 4 replay). */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));

/** A server process and the URL it printed. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it printed (stdout + stderr). */
  output(): string;
  /** SIGTERM, and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL, and wait for exit. */
  kill(): Promise<void>;
}

/** Spawn `node server-mock/cli.ts ARGS` and wait for its "at http://…" line. */
export function spawnServer(args: string[], env: Record<string, string> = {}, timeoutMs = 20_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, RA_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const wait = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = / at (http:\/\/[^\s"]+)/.exec(out); // also inside a JSON log line
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
        resolve({ url: m[1] as string, child, output: () => out, stop: () => wait('SIGTERM'), kill: () => wait('SIGKILL') });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting:\n${out}`));
    });
  });
}
