// What `docker events` (GET /events) reports: the daemon says what happened to its objects, and
// whoever listens (the API server's /events streams) hears it. Messages have the Engine API's
// shape (api/types/events.Message), legacy `status`/`id`/`from` fields included, as dockerd
// still sends them.
export type EventType = 'container' | 'image' | 'volume' | 'network';

export interface EventMessage {
  status?: string;
  id?: string;
  from?: string;
  Type: EventType;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
}

/** How many past events are kept, for `docker events --since`. */
const KEPT = 256;

export class DaemonEvents {
  private readonly listeners = new Set<(event: EventMessage) => void>();
  readonly recent: EventMessage[] = [];

  emit(type: EventType, action: string, id: string, attributes: Record<string, string> = {}): void {
    const now = Date.now();
    const event: EventMessage = {
      // Containers and images carry the old top-level fields too (as dockerd fills them).
      ...(type === 'container' || type === 'image' ? { status: action, id, ...(attributes.image ? { from: attributes.image } : {}) } : {}),
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Math.floor(now / 1000),
      timeNano: now * 1_000_000,
    };
    this.recent.push(event);
    if (this.recent.length > KEPT) this.recent.shift();
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure (a client gone) is its own; others still hear the event.
      }
    }
  }

  /** Listens from now on; returns the function that stops listening. */
  subscribe(listener: (event: EventMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
