/**
 * Entry point: pick the platform bridge (Electron's preload, else the web one), build the
 * runtime, render, and — on the web — register the service worker that lets the app start
 * offline (sw/service-worker.ts).
 */
import { createRoot } from 'react-dom/client';
import { loadLanguage } from '../../common/i18n/index.ts';
import { pickBridge } from './platform/pick.ts';
import { createRuntime } from './runtime.ts';
import { App } from './ui/App.tsx';
import { RuntimeContext } from './ui/context.tsx';
import './styles.css';

const runtime = createRuntime(pickBridge());
const root = createRoot(document.getElementById('root') as HTMLElement);

// The language's catalogue (its own chunk) before the first render: no screen in another
// language. Fetched as soon as the settings say which (start() goes on to the network meanwhile).
const unsubscribe = runtime.settings.subscribe((s) => void loadLanguage(s.language).catch(() => undefined));
runtime.start().finally(async () => {
  unsubscribe();
  const language = runtime.settings.getState().language;
  await loadLanguage(language).catch((err: unknown) => console.warn(`language ${language} not loaded`, err));
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
