/**
 * Published flows, parsed once per version (versions never change), and the route each dialled number
 * takes. Subflows get the version that is published now, and a new call the route of now: the store's
 * publication feed (LISTEN/NOTIFY or polling) says when a flow is published or a number changes on any
 * engine, so nothing is read from the database per call — a number's route is read on its first call,
 * again (behind the calls) after a publication or a number change, and every ROUTE_REFRESH_MS in case a
 * notification was missed.
 */
import { hasErrors } from '../core/flow/diagnostics.js';
import { parseFlow } from '../core/flow/parse-flow.js';
import type { Flow } from '../ports/flow.js';
import type { FlowSource } from '../ports/flow-source.js';
import type { EngineLogger } from '../ports/logger.js';
import type { FlowVersion, NumberRoute, Store } from '../ports/store.js';

/** How long a number's route is used before it is read again, behind the calls (a missed notification's backstop). */
export const ROUTE_REFRESH_MS = 60_000;
/** Most numbers whose routes are kept (dialled numbers are the caller's to choose: the `*` route takes any). */
const MAX_ROUTES = 10_000;

interface CachedRoute {
  at: number;
  route: Promise<NumberRoute>;
}

export class PublishedFlows implements FlowSource {
  private readonly parsed = new Map<string, Flow>();
  private readonly current = new Map<string, FlowVersion | undefined>();
  private readonly routes = new Map<string, CachedRoute>();

  constructor(
    private readonly store: Store,
    private readonly logger: EngineLogger,
    private readonly now: () => number = Date.now,
  ) {
    store.onFlowPublished(({ flowId, version }) => {
      this.current.delete(flowId);
      this.routesChanged();
      logger.info(`flow ${flowId}: version ${version} is now published; new calls get it`);
    });
    store.onNumbersChanged(() => this.routesChanged());
  }

  /**
   * The route a new call to `did` takes (see NumberRepository.route), from memory after the number's
   * first call. Rejects only when it has never been read and the database cannot be reached.
   */
  route(did: string): Promise<NumberRoute> {
    const cached = this.routes.get(did);
    if (!cached) return this.load(did).route;
    if (this.now() - cached.at > ROUTE_REFRESH_MS) this.refresh(did, cached);
    return cached.route;
  }

  private load(did: string): CachedRoute {
    if (this.routes.size >= MAX_ROUTES) this.routes.delete(this.routes.keys().next().value!);
    const entry: CachedRoute = { at: this.now(), route: this.store.numbers.route(did) };
    this.routes.set(did, entry);
    entry.route.catch(() => {
      if (this.routes.get(did) === entry) this.routes.delete(did);
    });
    return entry;
  }

  /** Reads a route again behind the calls; they keep the one they have until it is read (or if it cannot be). */
  private refresh(did: string, stale: CachedRoute): void {
    stale.at = this.now();
    this.store.numbers.route(did).then(
      (route) => {
        if (this.routes.get(did) === stale) this.routes.set(did, { at: this.now(), route: Promise.resolve(route) });
      },
      () => undefined,
    );
  }

  /** A flow was published or a number changed: every number's route is read again, before its next call if it can be. */
  private routesChanged(): void {
    const dids = [...this.routes.keys()];
    this.routes.clear();
    for (const did of dids) void this.load(did).route.catch(() => undefined);
  }

  /** The runnable flow of a stored version; undefined (and logged) if the stored graph does not parse. */
  flowOf(version: FlowVersion): Flow | undefined {
    const key = `${version.flowId}@${version.version}`;
    let flow = this.parsed.get(key);
    if (!flow) {
      const { flow: parsed, diagnostics } = parseFlow(version.graph);
      if (!parsed || hasErrors(diagnostics)) {
        this.logger.error(`flow ${key} cannot run: ${diagnostics.map((d) => d.message).join('; ')}`);
        return undefined;
      }
      this.parsed.set(key, (flow = parsed));
    }
    return flow;
  }

  async published(flowId: string): Promise<Flow | undefined> {
    if (!this.current.has(flowId)) this.current.set(flowId, await this.store.flows.published(flowId));
    const version = this.current.get(flowId);
    return version && this.flowOf(version);
  }
}

/** Flows a test call runs: the drafts it was given first (by id), then what is published. */
export class DraftsFirst implements FlowSource {
  private readonly drafts: Map<string, Flow>;

  constructor(
    drafts: Iterable<Flow>,
    private readonly others?: FlowSource,
  ) {
    this.drafts = new Map([...drafts].map((flow) => [flow.id, flow]));
  }

  async published(flowId: string): Promise<Flow | undefined> {
    return this.drafts.get(flowId) ?? this.others?.published(flowId);
  }
}
