import { useEffect, useMemo, useState } from 'react';
import type { AgentStateName, Standing, Wallboard, WallboardQueue } from './report-types.js';
import { duration, percent } from './format.js';
import { connectWallboard } from './wallboard-client.js';

const AGENT_LABELS: Array<[AgentStateName, string]> = [
  ['available', 'Ready'],
  ['ringing', 'Ringing'],
  ['on_call', 'On call'],
  ['wrap_up', 'Wrap-up'],
  ['break', 'Break'],
];
/** How long each page shows when there are more queues than fit the screen. */
export const PAGE_SECONDS = 12;

const STANDING_WORDS: Record<Standing, string> = { met: 'on target', close: 'near target', missed: 'off target', none: 'no calls yet' };

/** Seconds since `since`, ticking every second on the screen (the board itself changes only when calls do). */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function QueueCard({ queue, now, skew }: { queue: WallboardQueue; now: number; skew: number }) {
  const longest = queue.oldestWaitingSince ? (now + skew - new Date(queue.oldestWaitingSince).getTime()) / 1000 : 0;
  const t = queue.today;
  return (
    <article className="wb-card" aria-labelledby={`wb-${queue.id}`}>
      <header>
        <h2 id={`wb-${queue.id}`}>{queue.name}</h2>
        {queue.serviceLine && <span className="wb-line">{queue.serviceLine}</span>}
      </header>
      <div className="wb-now">
        <div className={`wb-big ${queue.waiting > 0 ? 'wb-busy' : ''}`}>
          <span className="wb-value">{queue.waiting}</span>
          <span className="wb-label">waiting</span>
        </div>
        <div className="wb-big">
          <span className="wb-value">{queue.waiting > 0 ? duration(longest) : '–'}</span>
          <span className="wb-label">longest wait</span>
        </div>
        <div className="wb-big">
          <span className="wb-value">{queue.callbacksPending}</span>
          <span className="wb-label">callbacks</span>
        </div>
      </div>
      <ul className="wb-levels" aria-label="Today">
        {t.answeredWithin.map((w) => (
          <li key={w.seconds} className={`wb-${w.standing}`} aria-label={`Answered within ${w.seconds} seconds: ${percent(w.percent)}, target ${w.target} %, ${STANDING_WORDS[w.standing]}`}>
            <span className="wb-value">{percent(w.percent)}</span>
            <span className="wb-label">in {w.seconds < 120 ? `${w.seconds}\u00a0s` : `${w.seconds / 60}\u00a0min`} · target {`${w.target}\u202f%`}</span>
          </li>
        ))}
        <li className={`wb-${t.abandonedStanding}`} aria-label={`Abandoned: ${percent(t.abandonedPercent)}, target at most ${t.abandonedTarget} %, ${STANDING_WORDS[t.abandonedStanding]}`}>
          <span className="wb-value">{percent(t.abandonedPercent)}</span>
          <span className="wb-label">abandoned · max {`${t.abandonedTarget}\u202f%`}</span>
        </li>
      </ul>
      <p className="wb-agents" aria-label="Agents">
        {AGENT_LABELS.map(([state, label]) => (
          <span key={state} className={`wb-agent wb-agent-${state}`}>
            <b>{queue.agents[state] ?? 0}</b> {label}
          </span>
        ))}
      </p>
      <p className="wb-today">
        Today {t.offered} offered · {t.answered} answered
      </p>
    </article>
  );
}

/**
 * The live wallboard. `tv`: the kiosk layout for a screen across the room — no navigation, large type, and
 * pages that turn by themselves when there are more queues than fit; F toggles full screen, ← → turn pages.
 */
export function WallboardScreen({ tv = false }: { tv?: boolean }) {
  const [board, setBoard] = useState<Wallboard>();
  const [state, setState] = useState<'live' | 'reconnecting' | 'signedOut'>('reconnecting');
  const [skew, setSkew] = useState(0);
  const [page, setPage] = useState(0);
  const [size, setSize] = useState(() => ({ width: window.innerWidth, height: window.innerHeight }));
  const now = useNow();

  useEffect(
    () =>
      connectWallboard({
        onBoard: (b) => {
          setBoard(b);
          // The engine's clock, not the TV's, says how long callers have waited.
          setSkew(new Date(b.at).getTime() - Date.now());
        },
        onState: setState,
      }),
    [],
  );
  useEffect(() => {
    const onResize = () => setSize({ width: window.innerWidth, height: window.innerHeight });
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);

  const perPage = useMemo(() => {
    const columns = Math.max(1, Math.floor(size.width / (tv ? 460 : 400)));
    const rows = Math.max(1, Math.floor((size.height - (tv ? 90 : 150)) / (tv ? 330 : 300)));
    return columns * rows;
  }, [size, tv]);
  const pages = Math.max(1, Math.ceil((board?.queues.length ?? 0) / perPage));
  useEffect(() => {
    if (pages <= 1) return setPage(0);
    const timer = setInterval(() => setPage((p) => (p + 1) % pages), PAGE_SECONDS * 1000);
    return () => clearInterval(timer);
  }, [pages]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'f' || e.key === 'F') {
        if (document.fullscreenElement) void document.exitFullscreen();
        else void document.documentElement.requestFullscreen?.().catch(() => undefined);
      } else if (e.key === 'ArrowRight') setPage((p) => (p + 1) % pages);
      else if (e.key === 'ArrowLeft') setPage((p) => (p - 1 + pages) % pages);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [pages]);

  const shown = board?.queues.slice(page * perPage, (page + 1) * perPage) ?? [];
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hour12: false }).format(now + skew);
  return (
    <section className={`wallboard${tv ? ' wallboard-tv' : ''}`} aria-label="Wallboard">
      <header className="wb-header">
        <h1>Wallboard</h1>
        <span className="wb-clock" aria-label="Time now">
          {clock}
        </span>
        <span className={`wb-state wb-state-${state}`} role="status">
          {state === 'live' ? 'Live' : state === 'signedOut' ? 'Signed out: sign in again' : 'Reconnecting…'}
        </span>
        {pages > 1 && (
          <span className="wb-page">
            Page {page + 1} of {pages}
          </span>
        )}
        {!tv && (
          <a className="wb-tv-link" href="#/wallboard/tv">
            TV mode (no mouse needed: F for full screen)
          </a>
        )}
      </header>
      {!board ? (
        <p aria-live="polite">Waiting for the first figures…</p>
      ) : board.queues.length === 0 ? (
        <p>No queues yet: add queues and agents to see them here.</p>
      ) : (
        <div className="wb-grid">
          {shown.map((q) => (
            <QueueCard key={q.id} queue={q} now={now} skew={skew} />
          ))}
        </div>
      )}
    </section>
  );
}
