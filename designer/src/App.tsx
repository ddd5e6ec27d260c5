import { useEffect, useState } from 'react';
import { api, roleAtLeast, type Me } from './api/client.js';
import { FlowEditor } from './screens/FlowEditor.js';
import { FlowList } from './screens/FlowList.js';
import { NumbersScreen, PromptsScreen, SchedulesScreen } from './screens/LibraryScreens.js';
import { PaymentsScreen } from './screens/PaymentsScreen.js';
import { Login } from './screens/Login.js';
import { SecretsScreen } from './screens/SecretsScreen.js';
import { UsersScreen } from './screens/UsersScreen.js';
import { AgentsScreen } from './screens/AgentsScreen.js';
import { QueuesScreen } from './screens/QueuesScreen.js';
import { DeskScreen } from './desk/DeskScreen.js';
import { TeamScreen } from './desk/TeamScreen.js';

/** Screens live in the URL hash (#/flows/main-line), so the engine serves one page. */
function useHashRoute(): [string, (to: string) => void] {
  const [route, setRoute] = useState(() => window.location.hash.replace(/^#/, ''));
  useEffect(() => {
    const onHash = () => setRoute(window.location.hash.replace(/^#/, ''));
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

  const flowMatch = /^\/flows\/(.+)$/.exec(route);
  const isAdmin = roleAtLeast(me.role, 'admin');
  const reads = roleAtLeast(me.role, 'viewer');
  const works = roleAtLeast(me.role, 'agent');
  const supervises = roleAtLeast(me.role, 'supervisor');
  const designs = roleAtLeast(me.role, 'designer');
  // The payment team's screen: the API shows payments to the payments role and admins only.
  const seesPayments = roleAtLeast(me.role, 'payments');
  // Advisers start at their desk, supervisors with their team, the payment team at payments, everyone else at the flows.
  const home = !reads ? 'desk' : designs ? 'flows' : supervises ? 'team' : seesPayments ? 'payments' : 'flows';
  const section = route.split('/')[1] || home;
  const nav: Array<[string, string]> = [
    ...(works ? [['desk', 'Desk'] as [string, string]] : []),
    ...(supervises ? [['team', 'Team'] as [string, string]] : []),
    ...(reads
      ? ([
          ['flows', 'Flows'],
          ['prompts', 'Prompts'],
          ['numbers', 'Numbers'],
          ['schedules', 'Schedules'],
          ['queues', 'Queues'],
          ['agents', 'Agents'],
        ] as Array<[string, string]>)
      : []),
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
        {section === 'desk' && works ? (
          <DeskScreen me={me} />
        ) : section === 'team' && supervises ? (
          <TeamScreen />
        ) : !reads ? (
          <DeskScreen me={me} />
        ) : flowMatch ? (
          <FlowEditor flowId={decodeURIComponent(flowMatch[1]!)} me={me} />
        ) : section === 'prompts' ? (
          <PromptsScreen me={me} />
        ) : section === 'numbers' ? (
          <NumbersScreen me={me} />
        ) : section === 'schedules' ? (
          <SchedulesScreen me={me} />
        ) : section === 'queues' ? (
          <QueuesScreen me={me} />
        ) : section === 'agents' ? (
          <AgentsScreen me={me} />
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
