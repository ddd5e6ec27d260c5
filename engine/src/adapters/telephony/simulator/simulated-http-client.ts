import type { Clock, HttpClient, HttpRequest, HttpResponse } from '../../../ports/index.js';
import type { World } from './world.js';

/** How long a simulated web service takes to answer. */
export const HTTP_RESPONSE_MS = 150;

/** Web services as the world describes them: a status and JSON body, a timeout, or unreachable. */
export class SimulatedHttpClient implements HttpClient {
  /** Every request made, for tests to inspect. */
  readonly requests: Omit<HttpRequest, 'signal'>[] = [];

  constructor(
    private readonly world: World,
    private readonly clock: Clock,
  ) {}

  async request(request: HttpRequest): Promise<HttpResponse> {
    const { signal, ...seen } = request;
    this.requests.push(seen);
    const answer = this.world.http[request.url] ?? 'unreachable';
    if (answer === 'unreachable') return { kind: 'unreachable', reason: `${request.url} is not in the simulated world` };
    if (answer === 'timeout') {
      await this.clock.sleep(request.timeoutMs, signal);
      return { kind: 'timeout' };
    }
    await this.clock.sleep(Math.min(HTTP_RESPONSE_MS, request.timeoutMs), signal);
    const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    return { kind: 'response', status: answer.status, headers: { 'content-type': 'application/json' }, body };
  }
}
