// What every endpoint shares: Docker's error (a status and a message), the versions the daemon
// reports, and the log of calls (method, path, status, time) that the page's API panel lists.
// An endpoint is `calls.serve(method, path, work)`: it validates, logs and delegates.
import { BuildError } from '../builder/events';

export const API_VERSION = '1.46';
export const ENGINE_VERSION = '27.0.0-drydock';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface ApiLogEntry {
  method: string;
  path: string;
  status: number;
  ms: number;
  at: number;
  /**
   * Who sent it over /var/run/docker.sock: its User-Agent (`curl/7.88.1`, `Docker-Client/20.10…`),
   * or `unknown` when it sent none. Undefined for the guest's own `docker` (the thin client,
   * which calls the API in the engine).
   */
  client?: string;
}

export class ApiCalls {
  readonly log: ApiLogEntry[] = [];
  onCall: (entry: ApiLogEntry) => void = () => {};
  /** Calls in progress (a snapshot waits for none). */
  inFlight = 0;
  /** The client of the call being entered now (see asClient). */
  private current: string | undefined;

  /**
   * Runs fn with its endpoint calls logged as the client's. Endpoints take the client when they
   * are entered, synchronously, so concurrent requests on other connections cannot swap it.
   */
  asClient<T>(client: string | undefined, fn: () => T): T {
    const previous = this.current;
    this.current = client;
    try {
      return fn();
    } finally {
      this.current = previous;
    }
  }

  async serve<T>(method: string, path: string, work: () => Promise<T>): Promise<T> {
    const client = this.current;
    const started = performance.now();
    this.inFlight++;
    // As dockerd answers: 201 Created for containers, volumes and networks (a pull, POST
    // /images/create, streams its progress under 200), 204 for DELETE (but removing an image
    // lists what went, under 200) and start/stop/kill/restart.
    const bare = path.split('?')[0]!;
    let status = method === 'POST' && /\/create$/.test(bare) && bare !== '/images/create' ? 201 : (method === 'DELETE' && !bare.startsWith('/images/')) || /\/(start|stop|kill|restart)$/.test(bare) ? 204 : 200;
    try {
      return await work();
    } catch (error) {
      status = error instanceof ApiError ? error.status : 500;
      // A failed build keeps its own shape: the CLI prints the step and the Dockerfile lines.
      throw error instanceof ApiError || error instanceof BuildError ? error : new ApiError(500, (error as Error).message);
    } finally {
      this.inFlight--;
      this.record(method, path, status, performance.now() - started, client);
    }
  }

  /** One line of the API panel: an endpoint's call, or a request the API server answered itself. */
  record(method: string, path: string, status: number, ms: number, client?: string): void {
    const entry: ApiLogEntry = { method, path, status, ms, at: Date.now(), ...(client === undefined ? {} : { client }) };
    this.log.push(entry);
    if (this.log.length > 500) this.log.shift();
    this.onCall(entry);
  }
}
