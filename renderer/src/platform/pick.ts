/**
 * Which PlatformBridge this renderer runs on: the Electron preload exposes its IPC bridge as
 * `window.raBridge`; anywhere else (a browser on the network, a TV browser) the web bridge.
 */
import type { PlatformBridge } from '../../../common/platform.ts';
import { createWebBridge } from './web-bridge.ts';

declare global {
  interface Window {
    /** The Electron preload's bridge (absent in a plain browser). */
    raBridge?: PlatformBridge;
  }
}

/** The bridge of this page, chosen once at start. */
export function pickBridge(): PlatformBridge {
  return window.raBridge ?? createWebBridge();
}
