/**
 * A hash router: #/mining, #/logs, ... Works from file:// in the desktop app and from the node's
 * own web server alike, and keeps back/forward working.
 */
import { useSyncExternalStore } from 'react';

export const ROUTES = [
  'welcome',
  'mining',
  'leaderboard',
  'validator',
  'wallet',
  'settings',
  'logs',
] as const;
export type Route = (typeof ROUTES)[number];

export const DEFAULT_ROUTE: Route = 'mining';

function parse(hash: string): Route {
  const name = hash.replace(/^#\/?/, '');
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : DEFAULT_ROUTE;
}

/** The route in the address bar now. */
export function currentRoute(): Route {
  return parse(window.location.hash);
}

export function routeHref(route: Route): string {
  return `#/${route}`;
}

export function navigate(route: Route): void {
  window.location.hash = `/${route}`;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, currentRoute);
}
