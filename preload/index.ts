/**
 * The preload (sandboxed, context-isolated; bundled to dist/electron/preload.cjs, which may
 * only `require('electron')`): exposes `window.raBridge` — the typed platform bridge built from
 * the IPC contract — and nothing else. The renderer picks `window.raBridge ?? webBridge`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.ts';

contextBridge.exposeInMainWorld('raBridge', createBridge(ipcRenderer));
