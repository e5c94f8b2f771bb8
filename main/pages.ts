/**
 * The few pages main shows itself before (or instead of) the renderer: "starting the household
 * server", "the server failed", "the renderer keeps crashing". Self-contained data: URLs with a
 * CSP that allows no script at all; they never use the bridge (it refuses non-app frames).
 */

import type { Language } from '../common/platform.ts';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A status page as a data: URL, in `lang` (already translated text). `lines` are shown as paragraphs (escaped). */
export function statusPage(title: string, lines: readonly string[], lang: Language = 'en'): string {
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escape(title)}</title>
<style>html,body{height:100%;margin:0}body{display:grid;place-content:center;gap:.5rem;background:#101418;color:#e8eaed;
font:18px/1.5 system-ui,sans-serif;text-align:center;padding:2rem}h1{font-size:1.6rem;margin:0 0 .5rem}p{margin:0;opacity:.85;max-width:50rem}</style>
</head><body><h1>${escape(title)}</h1>${lines.map((l) => `<p>${escape(l)}</p>`).join('')}</body></html>`;
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;
}
