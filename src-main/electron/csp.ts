/**
 * The Content-Security-Policy of the UI. Pure data, no imports, so that the Electron main process,
 * the renderer build (which writes it into index.html as a <meta> tag) and the tests share one copy.
 *
 * `connect-src` allows WebSocket connections to a node on this machine (the headless node's API);
 * everything else must come from the app itself.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * Only for `electron-vite dev`: the Vite dev server injects inline scripts and styles and speaks
 * to its HMR client over a WebSocket. Never used for a built app.
 */
export const DEV_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws: http://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
].join('; ');
