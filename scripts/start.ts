/**
 * `npm start`: the whole system on this machine — the embedded server (all three roles, demo
 * catalogue and account in `.data/`), printing its URL. Extra arguments go to the server
 * (`npm start -- --port 9000`). The PC app joins here once the Electron shell exists.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../server-mock/cli.ts', import.meta.url));
const child = spawn(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
