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
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
