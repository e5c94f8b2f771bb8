/// <reference types="vite/client" />

/** The app version (package.json's), replaced at build time by renderer/vite.config.ts `define`. */
declare const __APP_VERSION__: string;
