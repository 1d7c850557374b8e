/**
 * Entry of the VEBI panel (bundled to dist/webview.js): connect to the host, say 'ready', and
 * route every host message to the app. The host answers 'ready' with 'init'.
 */
import './elements';
import { PanelApp } from './app';
import { isHostMessage } from './state';
import { connectToHost } from './vscode-api';

const isPing = (data: unknown): boolean => typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'ping';

function start(): void {
  const root = document.getElementById('vebi-app');
  if (!root) throw new Error('The panel page has no #vebi-app element.');
  const host = connectToHost();
  const app = new PanelApp(root, host);
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isPing(event.data)) host.post({ type: 'alive' });
    else if (isHostMessage(event.data)) app.handle(event.data);
  });
  host.post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
