/**
 * Both languages' catalogues, registered at once, for Node code (the PC app's main process, the
 * server, tests): they translate synchronously from the first call. Importing this module also
 * installs the ICU parser for catalogues held as source text. The renderer never imports it: it
 * loads its one language with `loadLanguage` (index.ts), precompiled at build time.
 */
import { parse } from '@formatjs/icu-messageformat-parser';
import type { Language } from '../platform.ts';
import { en, type MessageKey } from './en.ts';
import { isPlainMessage, registerCatalogue, setMessageParser, type CompiledMessage } from './index.ts';
import { zhCN } from './zh-CN.ts';

export * from './index.ts';

/** Every language's catalogue: ICU MessageFormat source strings by key. */
export const MESSAGES: Record<Language, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

/** Parse one ICU message. `ignoreTag`: catalogues hold plain text; a "<" is a character, never markup. */
export const parseMessage = (source: string) => parse(source, { ignoreTag: true });

/**
 * A catalogue's messages, each as text (plain) or its parsed form (no source locations): what
 * the renderer's build ships (renderer/vite-precompile-messages.ts).
 */
export function compileCatalogue(messages: Readonly<Record<string, string>>): Record<string, CompiledMessage> {
  return Object.fromEntries(Object.entries(messages).map(([key, source]) => [key, isPlainMessage(source) ? source : parseMessage(source)]));
}

setMessageParser(parseMessage);
for (const [lang, messages] of Object.entries(MESSAGES) as [Language, Record<MessageKey, string>][]) registerCatalogue(lang, messages);
