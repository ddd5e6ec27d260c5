/**
 * Published flows, parsed once per version (versions never change). Subflows get the version that is
 * published now; the store's publication feed (LISTEN/NOTIFY or polling) keeps "now" current.
 */
import { hasErrors } from '../core/flow/diagnostics.js';
import { parseFlow } from '../core/flow/parse-flow.js';
import type { Flow } from '../ports/flow.js';
import type { FlowSource } from '../ports/flow-source.js';
import type { EngineLogger } from '../ports/logger.js';
import type { FlowVersion, Store } from '../ports/store.js';

export class PublishedFlows implements FlowSource {
  private readonly parsed = new Map<string, Flow>();
  private readonly current = new Map<string, FlowVersion | undefined>();

  constructor(
    private readonly store: Store,
    private readonly logger: EngineLogger,
  ) {
    store.onFlowPublished(({ flowId, version }) => {
      this.current.delete(flowId);
      logger.info(`flow ${flowId}: version ${version} is now published; new calls get it`);
    });
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
