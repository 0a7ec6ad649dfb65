/**
 * The storefront's entry: reads `/config.json`, finishes a sign-in on the callback path, and
 * renders the page.
 */
import { render } from 'preact';
import { html } from 'htm/preact';
import { apiClients, shownError, type ShownError } from './api';
import { App } from './app';
import { callbackPath, completeSignIn, currentSession, signIn, signOut } from './auth';
import { loadConfig } from './config';

async function start(root: HTMLElement): Promise<void> {
  const config = await loadConfig();
  let initialError: ShownError | undefined;
  if (location.pathname === callbackPath) {
    const back = await completeSignIn(config, new URL(location.href)).catch((error: unknown) => {
      initialError = shownError(error);
      return '/';
    });
    history.replaceState(null, '', back === callbackPath ? '/' : back);
  }
  const session = currentSession();
  const clients = apiClients(config.apiUrl, () => currentSession()?.idToken ?? '');
  render(
    html`<${App}
      clients=${clients}
      webSocketUrl=${config.webSocketUrl}
      session=${session}
      signIn=${() => void signIn(config)}
      signOut=${() => signOut(config)}
      initialError=${initialError}
    />`,
    root,
  );
}

const root = document.getElementById('app');
if (root) {
  start(root).catch((error: unknown) => {
    root.textContent = `The storefront could not start: ${error instanceof Error ? error.message : String(error)}`;
  });
}
