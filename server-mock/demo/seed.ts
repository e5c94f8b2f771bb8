/**
 * Demo data for a fresh data directory, so a newcomer sees the whole system with no set-up:
 * the demo catalogue (server-mock/demo/catalog.json) and a demo account.
 */
import { readFile } from 'node:fs/promises';
import Value from 'typebox/value';
import { ProgramUpsertRequest } from '../../common/protocol/api.ts';
import type { Program } from '../../common/protocol/model.ts';
import type { Store } from '../store/types.ts';

/** The demo account, printed at start. */
export const DEMO_ACCOUNT = { login: 'demo@resume.local', password: 'resume-demo', displayName: 'Demo' } as const;

/** Where the demo catalogue lives. */
export const DEMO_CATALOG_URL = new URL('./catalog.json', import.meta.url);

/** Read and validate a catalogue file (`{ programs: [...] }`); throws with every error listed. */
export async function readCatalogFile(path: string | URL): Promise<Program[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`catalogue ${String(path)}: ${(err as Error).message}`, { cause: err });
  }
  if (!Value.Check(ProgramUpsertRequest, parsed)) {
    const errors = [...Value.Errors(ProgramUpsertRequest, parsed)].slice(0, 10);
    const lines = errors.map((e) => `  ${e.instancePath || '/'}: ${e.message}`);
    throw new Error(`catalogue ${String(path)} is invalid:\n${lines.join('\n')}`);
  }
  const programs = (parsed as { programs: Program[] }).programs;
  const ids = new Set(programs.map((p) => p.id));
  if (ids.size !== programs.length) throw new Error(`catalogue ${String(path)}: programme ids must be unique`);
  return programs;
}

/** True for a host that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/^::ffff:/, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Seed an empty store; returns what was seeded (nothing when the store already has data).
 * The demo account (published password) is created only when `withAccount`: a server others
 * can reach gets none, and its first account created becomes the owner instead.
 */
/**
 * What seeding needs of global's account service: registering the demo account. Stated here
 * rather than imported, since the account service reads DEMO_ACCOUNT from this file (an import
 * cycle otherwise).
 */
export interface DemoAccountRegistrar {
  register(login: string, password: string, displayName?: string): Promise<unknown>;
}

export async function seedDemo(store: Store, accounts: DemoAccountRegistrar, withAccount = true): Promise<{ programs: number; account: boolean }> {
  let programs = 0;
  let account = false;
  if ((await store.countPrograms()) === 0) {
    const list = await readCatalogFile(DEMO_CATALOG_URL);
    await store.upsertPrograms(list);
    programs = list.length;
  }
  if (withAccount && (await store.countUsers()) === 0) {
    await accounts.register(DEMO_ACCOUNT.login, DEMO_ACCOUNT.password, DEMO_ACCOUNT.displayName);
    account = true;
  }
  return { programs, account };
}
