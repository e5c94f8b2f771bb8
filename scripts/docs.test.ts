/**
 * The repository explains itself: README's Layout names exactly the top-level folders there are
 * (and they exist), and no tracked file sends a reader to a design file outside the clone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** README's Layout block. */
const layout = /## Layout\n\n```\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

describe('README Layout', () => {
  it('names every top-level folder of the repository, and each folder a line starts with exists', () => {
    const topLevel = [...new Set(tracked.filter((f) => f.includes('/')).map((f) => f.split('/')[0] as string))];
    for (const folder of topLevel) expect(layout, folder).toMatch(new RegExp(`(^|\\s)${folder.replace('.', '\\.')}/`, 'm'));
    const leading = [...layout.matchAll(/^([a-z][a-z-]*)\//gm)].map((m) => m[1] as string);
    expect(leading.length).toBeGreaterThan(5);
    for (const folder of leading) expect(topLevel, folder).toContain(folder);
  });

  it('names sub-folders that exist', () => {
    const parents: Record<string, string[]> = {
      'server-mock': ['global', 'portal', 'streaming', 'store', 'http', 'auth', 'demo', 'testing'],
      'renderer/src': ['ui', 'tv', 'player', 'stores', 'api', 'platform', 'sw'],
      e2e: ['web', 'electron'],
      common: ['protocol', 'i18n'],
    };
    for (const [parent, children] of Object.entries(parents)) {
      for (const child of children) {
        expect(layout, `${parent}/${child}`).toContain(`${child}/`);
        expect(existsSync(`${ROOT}/${parent}/${child}`), `${parent}/${child}`).toBe(true);
      }
    }
  });
});

describe('self-contained documentation', () => {
  it('no tracked text file points outside the repository for the design', () => {
    const text = tracked.filter((f) => /\.(md|ts|tsx|js|json|yml)$/.test(f) && !f.endsWith('package-lock.json') && f !== 'scripts/docs.test.ts');
    const offenders = text.filter((f) => /\.\.\/shared\/|DESIGN\.md/.test(readFileSync(`${ROOT}/${f}`, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('docs/ARCHITECTURE.md maps the parts, flows, topology, layering, rules and style', () => {
    const arch = readFileSync(new URL('../docs/ARCHITECTURE.md', import.meta.url), 'utf8');
    for (const heading of ['The parts', 'Flows', 'Topology', 'layering', 'History rules', 'Decisions', 'House style', 'Tests', 'Known limits']) {
      expect(arch, heading).toMatch(new RegExp(`^##.*${heading}`, 'm'));
    }
    for (const term of ['全局服务器', '门户服务器', '流媒体服务器集群', '令牌', '老化', 'ms1', 'ms4']) expect(arch).toContain(term);
  });
});
