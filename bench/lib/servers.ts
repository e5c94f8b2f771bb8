/** Starting the servers benchmarks measure: the real one over a copy of a seeded store, or a bare baseline. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../../server-mock/config.ts';
import { copySeed, type SeedInfo } from '../seed.ts';
import { startChild, type ChildServer } from './server-child.ts';
import type { ServerSpec } from './server-entry.ts';

/** A started real server and where its data lives. */
export interface GlobalUnderTest extends ChildServer {
  dataDir: string;
  dbFile: string;
}

/** Copy the seeded store into `workDir/<label>` and start the real server over it in a child process. */
export async function startGlobal(
  workDir: string,
  label: string,
  seed: SeedInfo,
  opts: {
    synchronous?: 'NORMAL' | 'FULL';
    roles?: Role[];
    reuse?: boolean;
    overrides?: Extract<ServerSpec, { kind: 'app' }>['overrides'];
    /** Node flags of the child (e.g. --expose-gc, to measure the heap after a full collection). */
    nodeArgs?: string[];
  } = {},
): Promise<GlobalUnderTest> {
  const dataDir = join(workDir, label);
  mkdirSync(dataDir, { recursive: true });
  const dbFile = opts.reuse ? join(dataDir, 'resume.sqlite') : copySeed(seed, dataDir);
  const child = await startChild(
    {
      kind: 'app',
      dataDir,
      roles: opts.roles ?? ['global', 'portal'],
      synchronous: opts.synchronous ?? 'NORMAL',
      ...(opts.overrides ? { overrides: opts.overrides } : {}),
    },
    undefined,
    undefined,
    opts.nodeArgs,
  );
  return { ...child, dataDir, dbFile };
}

/** Start a streaming cluster alone in a child process (its outbox in `workDir/<label>`), reporting to global at `globalUrl`. */
export function startStreaming(
  workDir: string,
  label: string,
  globalUrl: string,
  opts: { overrides?: Extract<ServerSpec, { kind: 'app' }>['overrides']; nodeArgs?: string[] } = {},
): Promise<ChildServer> {
  const dataDir = join(workDir, label);
  mkdirSync(dataDir, { recursive: true });
  return startChild(
    { kind: 'app', dataDir, roles: ['streaming'], synchronous: 'NORMAL', globalUrl, ...(opts.overrides ? { overrides: opts.overrides } : {}) },
    undefined,
    undefined,
    opts.nodeArgs,
  );
}

/** Start the bare Fastify baseline (optionally answering `homeBody` on GET /home). */
export function startBare(homeBody?: string): Promise<ChildServer> {
  return startChild({ kind: 'bare', ...(homeBody ? { homeBody } : {}) });
}
