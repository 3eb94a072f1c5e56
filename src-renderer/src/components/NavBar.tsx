import { routeHref } from '../router';
import type { Route } from '../router';

const LINKS: readonly { route: Route; label: string }[] = [
  { route: 'mining', label: 'Mining' },
  { route: 'leaderboard', label: 'Leaderboard' },
  { route: 'validator', label: 'Validator' },
  { route: 'wallet', label: 'Wallet' },
  { route: 'settings', label: 'Settings' },
  { route: 'logs', label: 'Logs' },
];

/** The left navigation: plain links, so Tab and Enter work and back/forward too. */
export function NavBar({ route, validator }: { route: Route; validator: boolean }) {
  // Onboarding belongs to Wallet (it adds a key).
  const current = route === 'welcome' ? 'wallet' : route;
  return (
    <nav className="nav" aria-label="Main">
      <ul>
        {LINKS.filter((link) => validator || link.route !== 'validator').map((link) => (
          <li key={link.route}>
            <a
              href={routeHref(link.route)}
              className="nav-link"
              data-testid={`nav-${link.route}`}
              aria-current={current === link.route ? 'page' : undefined}
            >
              {link.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
