import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { RENDERER_DEFINE } from './renderer/vite.config.ts';

// Unit and integration tests sit beside the code as *.test.ts; e2e/ belongs to Playwright.
export default defineConfig({
  // The renderer's build-time constants, so its code runs under test as it does built.
  define: RENDERER_DEFINE,
  test: {
    include: ['{common,server-mock,main,preload,renderer,scripts,bench}/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // At least two files at a time. Vitest's default (cores − 1) is one on a 2-core machine, but
    // these files mostly wait — on child processes, servers, timers, ffmpeg and the disk — so a
    // second worker cut the whole run from 477 s to 321 s on 2 cores, every test still passing.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
