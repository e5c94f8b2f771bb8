/**
 * Entry point: pick the platform bridge (Electron's preload, else the web one), build the
 * runtime, render, and — on the web — register the service worker that lets the app start
 * offline (sw/service-worker.ts).
 */
import { createRoot } from 'react-dom/client';
import { pickBridge } from './platform/pick.ts';
import { createRuntime } from './runtime.ts';
import { App } from './ui/App.tsx';
import { RuntimeContext } from './ui/context.tsx';
import './styles.css';

const runtime = createRuntime(pickBridge());
const root = createRoot(document.getElementById('root') as HTMLElement);

runtime.start().finally(() => {
  root.render(
    <RuntimeContext.Provider value={runtime}>
      <App />
    </RuntimeContext.Provider>,
  );
});

if ('serviceWorker' in navigator && /^https?:$/.test(location.protocol) && !import.meta.env.DEV && !window.raBridge) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('./sw.js', { type: 'module', scope: './' }).catch((err: unknown) => console.warn('service worker not registered', err));
  });
}
