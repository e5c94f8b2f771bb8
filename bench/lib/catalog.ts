/**
 * The benchmark catalogue: the demo programmes plus generated ones, 200 in all, so a home page
 * carries a catalogue of realistic size (~90 KB of JSON) rather than the demo's five entries.
 * Generated programmes point at the demo media, so they would even play. Deterministic.
 */
import { readFileSync } from 'node:fs';
import type { Program, TerminalType } from '../../common/protocol/model.ts';
import { DEMO_CATALOG_URL } from '../../server-mock/demo/seed.ts';
import { mulberry32 } from './random.ts';

/** Programmes in the benchmark catalogue. */
export const CATALOG_SIZE = 200;

const WORDS = ['Harbour', 'Lights', 'Mountain', 'River', 'Kitchen', 'Night', 'Market', 'Garden', 'Winter', 'Train',
  'Island', 'Forest', 'Concert', 'Studio', 'Desert', 'Coast', 'City', 'Tea', 'Lantern', 'Bridge'];
const TYPE_SETS: TerminalType[][] = [['stb', 'mobile', 'pc'], ['stb', 'mobile', 'pc'], ['stb', 'mobile', 'pc'], ['pc', 'mobile'], ['stb']];

/** The demo catalogue followed by generated VOD programmes up to `size`. */
export function benchCatalog(size = CATALOG_SIZE): Program[] {
  const demo = (JSON.parse(readFileSync(DEMO_CATALOG_URL, 'utf8')) as { programs: Program[] }).programs;
  const vodLinks = demo.filter((p) => p.kind === 'vod').map((p) => p.links);
  const rand = mulberry32(42);
  const out: Program[] = [...demo];
  for (let i = out.length; i < size; i++) {
    const a = WORDS[Math.floor(rand() * WORDS.length)] as string;
    const b = WORDS[Math.floor(rand() * WORDS.length)] as string;
    const id = `bench-${String(i).padStart(3, '0')}`;
    out.push({
      id,
      title: `${a} ${b} ${i}`,
      titles: { 'zh-CN': `节目 ${i}` },
      synopsis: `Generated benchmark programme ${i}: ${a.toLowerCase()} and ${b.toLowerCase()}, a slow documentary of ordinary places at the end of the day, told without narration.`,
      durationMs: (10 + Math.floor(rand() * 110)) * 60_000,
      kind: 'vod',
      terminalTypes: TYPE_SETS[i % TYPE_SETS.length] as TerminalType[],
      artwork: `${id}/poster.jpg`,
      links: vodLinks[i % vodLinks.length] as Program['links'],
    });
  }
  return out;
}
