/**
 * Build-time: TypeBox's format registry without its 21 default validators.
 *
 * Why hand-written: TypeBox (1.x) fills its format registry at import time with every JSON
 * Schema format (e-mail, IDN host names with their Unicode tables, URI, IPv6, …) — ~13 kB
 * minified in the script a set-top box must run before its home page is interactive
 * (issue 17's 150 KB budget), and no option of TypeBox leaves them out. The renderer validates
 * only common/protocol's schemas, and those name no format (the server's schema compiler is
 * strict and has no formats, and scripts/protocol-no-formats.test.ts walks every exported
 * schema), so an unknown format is never asked about. The replacement keeps the registry's
 * API (Set/Get/Has/Test/…) with an empty default set: a format someone registers still works,
 * and `Test` of an unregistered one answers true, exactly as TypeBox does.
 * Only the renderer's build uses this; Node code (server, tests) loads TypeBox unchanged.
 */
const REGISTRY = /[\\/]typebox[\\/]build[\\/]format[\\/]_registry\.mjs$/;

const EMPTY_REGISTRY = `
const formats = new Map();
export function Clear() { formats.clear(); }
export function Entries() { return [...formats.entries()]; }
export function Set(format, check) { formats.set(format, check); }
export function Has(format) { return formats.has(format); }
export function Get(format) { return formats.get(format); }
export function Test(format, value) { return formats.get(format)?.(value) ?? true; }
export function Reset() { Clear(); }
`;

export function typeboxWithoutDefaultFormats() {
  return {
    name: 'ra-typebox-without-default-formats',
    enforce: 'pre' as const,
    load(id: string): string | null {
      return REGISTRY.test(id.split('?')[0]!) ? EMPTY_REGISTRY : null;
    },
  };
}
