/**
 * No import cycles in the tree (issue 18 found TvHome ↔ TvCardOptions through TvButton). Every
 * relative import of our code names its file with the extension, so resolving one is a path
 * join; the imports themselves are read by TypeScript's parser (static `import` / `export … from`,
 * type-only ones included: a type cycle is the same tangle for a reader). Lazy `import()` of a
 * screen chunk is left out: it runs after both modules are loaded, which is its purpose.
 * Hand-written rather than madge/dpdm: those pull a resolver and a dozen packages for what is a
 * directory walk and Tarjan's strongly connected components here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const PARTS = ['common', 'renderer/src', 'main', 'preload', 'server-mock', 'scripts', 'bench', 'e2e'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !/\.d\.ts$/.test(e.name) ? [p] : [];
  });
}

/** The files `file` imports statically (relative specifiers only). */
export function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: string[] = [];
  for (const st of src.statements) {
    const spec = (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : null;
    if (spec?.startsWith('.')) out.push(path.resolve(path.dirname(file), spec));
  }
  return out;
}

/** Strongly connected components of more than one file (or a file importing itself): the cycles. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
      onStack.delete(w);
      scc.push(w);
      if (w === v) break;
    }
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.map((f) => path.relative(ROOT, f)).sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import cycles', () => {
  it('finds a cycle when there is one (the check can fail)', () => {
    const a = path.join(ROOT, 'renderer/src/tv/TvHome.tsx');
    const b = path.join(ROOT, 'renderer/src/tv/TvCardOptions.tsx');
    const c = path.join(ROOT, 'renderer/src/tv/TvButton.tsx');
    expect(importsOf(a, "import { TvCardOptions } from './TvCardOptions.tsx';\nimport type { X } from './x.ts';\nconst L = () => import('./Lazy.tsx');\n")).toEqual([b, path.join(ROOT, 'renderer/src/tv/x.ts')]);
    expect(cycles(new Map([[a, [b]], [b, [a, c]], [c, []]]))).toEqual([['renderer/src/tv/TvCardOptions.tsx', 'renderer/src/tv/TvHome.tsx']]);
    expect(cycles(new Map([[a, [c]], [b, [c]], [c, []]]))).toEqual([]);
  });

  it('none in the tree', () => {
    const files = PARTS.flatMap((p) => sourceFiles(path.join(ROOT, p)));
    expect(files.length).toBeGreaterThan(300);
    const graph = new Map(files.map((f) => [f, importsOf(f)]));
    // Every relative import names an existing file (else the graph would silently miss edges).
    const missing = [...graph].flatMap(([f, deps]) => deps.filter((d) => !graph.has(d) && /\.tsx?$/.test(d)).map((d) => `${path.relative(ROOT, f)} → ${path.relative(ROOT, d)}`));
    expect(missing).toEqual([]);
    expect(cycles(graph)).toEqual([]);
  });
});
