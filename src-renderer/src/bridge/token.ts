/**
 * The access token of a headless node's dashboard. The node prints an address with `?token=...`;
 * the first page load moves the token into sessionStorage (this tab only) and takes it out of the
 * address bar, so it is not left in the history, bookmarks or screenshots.
 */
const STORAGE_KEY = 'sota-miner.accessToken';

/** Reads the token from the page address (then stores and hides it) or from this tab's storage. */
export function takeAccessToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      window.sessionStorage.setItem(STORAGE_KEY, fromUrl);
    } catch {
      // Storage may be disabled; the token still works for this page load.
    }
    url.searchParams.delete('token');
    window.history.replaceState(
      window.history.state,
      '',
      `${url.pathname}${url.search}${url.hash}`,
    );
    return fromUrl;
  }
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Forgets a token the node refused, so a fresh address from the node is needed. */
export function forgetAccessToken(): void {
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
}

/** The bridge endpoint of the node that served this page. */
export function bridgeUrl(token: string): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/bridge?token=${encodeURIComponent(token)}`;
}
