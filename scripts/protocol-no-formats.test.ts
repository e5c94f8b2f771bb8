/**
 * No schema of the protocol names a JSON Schema `format`: the renderer's build drops TypeBox's
 * default format validators (renderer/vite-typebox-formats.ts), where an unregistered format
 * passes any string — a schema with one would check less in the client than it says. The
 * server would refuse it anyway (its compiler is strict and has no formats).
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../common/protocol/', import.meta.url);
const modules = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

/** Paths of `format` keywords under `node` (a property *named* format is not one). */
function formatsIn(node: unknown, path: string, out: string[]): string[] {
  if (Array.isArray(node)) node.forEach((n, i) => formatsIn(n, `${path}[${i}]`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'format' && typeof v === 'string') out.push(`${path}.format = ${v}`);
      else if (k === 'properties' && v && typeof v === 'object') for (const [name, sub] of Object.entries(v)) formatsIn(sub, `${path}.properties.${name}`, out);
      else formatsIn(v, `${path}.${k}`, out);
    }
  }
  return out;
}

describe('protocol schemas', () => {
  it('name no format keyword (the renderer has no format validators)', async () => {
    let schemas = 0;
    const found: string[] = [];
    for (const m of modules) {
      const exports = (await import(new URL(m, dir).href)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(exports)) {
        if (!value || typeof value !== 'object' || !('~kind' in value || 'type' in value || 'anyOf' in value)) continue;
        schemas++;
        formatsIn(value, `${m}:${name}`, found);
      }
    }
    expect(schemas).toBeGreaterThan(50);
    expect(found).toEqual([]);
  });

  it('the walk finds a format where there is one', () => {
    expect(formatsIn({ type: 'object', properties: { format: { type: 'string' }, at: { type: 'string', format: 'date-time' } } }, 'x', [])).toEqual(['x.properties.at.format = date-time']);
  });
});
