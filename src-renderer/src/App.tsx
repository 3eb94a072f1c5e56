import { useEffect, useRef, useState } from 'react';
import type { MouseEvent, ReactNode } from 'react';
import { resolveBridge } from './bridge';
import type { BridgeConnection } from './bridge';
import { AppHeader } from './components/AppHeader';
import { ConnectionBanner } from './components/ConnectionBanner';
import { NavBar } from './components/NavBar';
import { UpdateBanner } from './components/UpdateBanner';
import { currentRoute, DEFAULT_ROUTE, navigate, useRoute } from './router';
import type { Route } from './router';
import { LeaderboardScreen } from './screens/LeaderboardScreen';
import { LogsScreen } from './screens/LogsScreen';
import { MiningScreen } from './screens/MiningScreen';
import { NoNodeScreen } from './screens/NoNodeScreen';
import { OnboardingScreen } from './screens/OnboardingScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { ValidatorScreen } from './screens/ValidatorScreen';
import { WalletScreen } from './screens/WalletScreen';
import { useStore } from './store';

export function App() {
  const [resolution] = useState(resolveBridge);
  if (resolution.kind !== 'ready') {
    return (
      <Frame>
        <NoNodeScreen reason={resolution.kind} />
      </Frame>
    );
  }
  return <ConnectedApp bridge={resolution.bridge} />;
}

function Frame({ children }: { children: ReactNode }) {
  return (
    <div className="app">
      <AppHeader />
      <main className="app-main app-main-centered">{children}</main>
    </div>
  );
}

function ConnectedApp({ bridge }: { bridge: BridgeConnection }) {
  const connect = useStore((s) => s.connect);
  const connected = useStore((s) => s.bridge !== null);
  const connection = useStore((s) => s.connection);
  const route = useRoute();
  // A validator's own dashboard (or a node watching one) has a Validator screen.
  const validator = useStore((s) => s.nodeInfo.data?.validator === true);
  useFirstRunOnboarding();
  const mainRef = useFocusOnRouteChange(route);

  useEffect(() => connect(bridge), [bridge, connect]);

  if (connection === 'unauthorized') {
    return (
      <Frame>
        <NoNodeScreen reason="unauthorized" />
      </Frame>
    );
  }

  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <AppHeader />
      <div className="app-body">
        <NavBar route={route} validator={validator} />
        <main id="main" className="app-main" ref={mainRef} tabIndex={-1}>
          <ConnectionBanner />
          {connected && <UpdateBanner />}
          {connected && <Screen route={route} />}
        </main>
      </div>
    </div>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route) {
    case 'welcome':
      return <OnboardingScreen />;
    case 'mining':
      return <MiningScreen />;
    case 'leaderboard':
      return <LeaderboardScreen />;
    case 'validator':
      return <ValidatorScreen />;
    case 'wallet':
      return <WalletScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'logs':
      return <LogsScreen />;
  }
}

/** The skip link must not change the hash (the router lives there): move focus instead. */
function skipToMain(event: MouseEvent) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

/**
 * With no key stored yet, the first screen is onboarding: once per page load, and only if the
 * person has not navigated anywhere while the wallet list was loading.
 */
function useFirstRunOnboarding() {
  const wallets = useStore((s) => s.wallets.data);
  const decided = useRef(false);
  const moved = useRef(false);

  useEffect(() => {
    const onMove = () => {
      moved.current = true;
    };
    window.addEventListener('hashchange', onMove);
    return () => window.removeEventListener('hashchange', onMove);
  }, []);

  useEffect(() => {
    if (decided.current || wallets === null) return;
    decided.current = true;
    if (wallets.length === 0 && !moved.current && currentRoute() === DEFAULT_ROUTE) {
      navigate('welcome');
    }
  }, [wallets]);
}

/** Moves focus to the content after a navigation, so keyboard and screen-reader users follow. */
function useFocusOnRouteChange(route: Route) {
  const ref = useRef<HTMLElement>(null);
  const previous = useRef(route);
  useEffect(() => {
    if (previous.current === route) return;
    previous.current = route;
    const heading = ref.current?.querySelector<HTMLElement>('h2');
    (heading ?? ref.current)?.focus({ preventScroll: false });
  }, [route]);
  return ref;
}
