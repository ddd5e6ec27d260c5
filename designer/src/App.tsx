import { useEffect, useState } from 'react';
import { api, roleAtLeast, type Me } from './api/client.js';
import { CallsScreen } from './calls/CallsScreen.js';
import { CallTimeline } from './calls/CallTimeline.js';
import { FlowEditor } from './screens/FlowEditor.js';
import { FlowList } from './screens/FlowList.js';
import { SchedulesScreen } from './schedules/SchedulesScreen.js';
import { NumbersScreen, PromptsScreen } from './screens/LibraryScreens.js';
import { PaymentsScreen } from './screens/PaymentsScreen.js';
import { Login } from './screens/Login.js';
import { SecretsScreen } from './screens/SecretsScreen.js';
import { UsersScreen } from './screens/UsersScreen.js';

/** Screens live in the URL hash (#/flows/main-line), so the engine serves one page. */
function useHashRoute(): [string, (to: string) => void] {
  const [route, setRoute] = useState(() => window.location.hash.replace(/^#/, '') || '/flows');
  useEffect(() => {
    const onHash = () => setRoute(window.location.hash.replace(/^#/, '') || '/flows');
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return [route, (to) => (window.location.hash = to)];
}

export function App() {
  const [me, setMe] = useState<Me | null>();
  const [route, go] = useHashRoute();
  useEffect(() => {
    api.me().then(setMe, () => setMe(null));
  }, []);
  if (me === undefined) return <p aria-live="polite">Loading…</p>;
  if (me === null) return <Login onLoggedIn={setMe} />;

  const [path, search = ''] = route.split('?');
  const flowMatch = /^\/flows\/(.+)$/.exec(path!);
  const callMatch = /^\/calls\/(.+)$/.exec(path!);
  const step = new URLSearchParams(search).get('step') ?? undefined;
  const section = path!.split('/')[1] ?? 'flows';
  const isAdmin = roleAtLeast(me.role, 'admin');
  // The payment team's screen: the API shows payments to the payments role and admins only.
  const seesPayments = roleAtLeast(me.role, 'payments');
  const nav: Array<[string, string]> = [
    ['flows', 'Flows'],
    ['prompts', 'Prompts'],
    ['numbers', 'Numbers'],
    ['schedules', 'Schedules'],
    ['calls', 'Calls'],
    ...(seesPayments ? [['payments', 'Payments'] as [string, string]] : []),
    // The API lets only admins see or change users and tokens.
    ...(isAdmin ? [['users', 'Users'] as [string, string], ['secrets', 'Secrets'] as [string, string]] : []),
  ];
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="topnav" aria-label="Main">
        <span className="brand">frontdoor</span>
        {nav.map(([id, label]) => (
          <a key={id} href={`#/${id}`} aria-current={section === id ? 'page' : undefined}>
            {label}
          </a>
        ))}
        <span className="whoami">
          {me.username} ({me.role}){' '}
          <button type="button" onClick={() => void api.logout().finally(() => setMe(null))}>
            Sign out
          </button>
        </span>
      </nav>
      <div id="main" className="main">
        {flowMatch ? (
          <FlowEditor flowId={decodeURIComponent(flowMatch[1]!)} me={me} {...(step ? { step } : {})} />
        ) : callMatch ? (
          <CallTimeline callId={decodeURIComponent(callMatch[1]!)} />
        ) : section === 'calls' ? (
          <CallsScreen open={(id) => go(`/calls/${encodeURIComponent(id)}`)} />
        ) : section === 'prompts' ? (
          <PromptsScreen me={me} />
        ) : section === 'numbers' ? (
          <NumbersScreen me={me} />
        ) : section === 'schedules' ? (
          <SchedulesScreen me={me} />
        ) : section === 'payments' && seesPayments ? (
          <PaymentsScreen />
        ) : section === 'users' && isAdmin ? (
          <UsersScreen />
        ) : section === 'secrets' && isAdmin ? (
          <SecretsScreen />
        ) : (
          <FlowList me={me} open={(id) => go(`/flows/${encodeURIComponent(id)}`)} />
        )}
      </div>
    </div>
  );
}
