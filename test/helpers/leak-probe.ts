/**
 * Counts what pages leave behind: timers and intervals not yet fired or cleared, WebSockets not
 * closed, window and document listeners not removed. Imported before the bundle, so every
 * effect the element uses goes through it.
 */
export interface Leftovers {
  timers: number;
  intervals: number;
  openSockets: number;
  socketsOpened: number;
  listeners: number;
}

const pendingTimers = new Map<unknown, string>();
const intervals = new Set<unknown>();
// Weakly held: the probe must not itself keep closed sockets (and the checkouts behind their handlers) alive.
const sockets: WeakRef<WebSocket>[] = [];
let newest: WebSocket | undefined;
const listeners = new Map<string, number>();

const {
  setTimeout: realSetTimeout,
  clearTimeout: realClearTimeout,
  setInterval: realSetInterval,
  clearInterval: realClearInterval,
} = globalThis;
globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const id = realSetTimeout(() => {
    pendingTimers.delete(id);
    callback(...args);
  }, ms);
  pendingTimers.set(id, `${ms ?? 0} ms ${String(new Error().stack).split('\n').slice(2, 5).join(' < ')}`);
  return id;
}) as typeof setTimeout;
globalThis.clearTimeout = ((id: Parameters<typeof clearTimeout>[0]) => {
  pendingTimers.delete(id);
  realClearTimeout(id);
}) as typeof clearTimeout;
globalThis.setInterval = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const id = realSetInterval(callback, ms, ...args);
  intervals.add(id);
  return id;
}) as typeof setInterval;
globalThis.clearInterval = ((id: Parameters<typeof clearInterval>[0]) => {
  intervals.delete(id);
  realClearInterval(id);
}) as typeof clearInterval;

const RealWebSocket = globalThis.WebSocket;
globalThis.WebSocket = class extends RealWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    sockets.push(new WeakRef(this));
    newest = this;
  }
} as typeof WebSocket;

for (const [target, name] of [
  [window, 'window'],
  [document, 'document'],
] as const) {
  const add = target.addEventListener.bind(target);
  const remove = target.removeEventListener.bind(target);
  const keyOf = (type: string, listener: unknown): string => `${name}:${type}:${listenerId(listener)}`;
  target.addEventListener = ((type: string, listener: EventListenerOrEventListenerObject, options?: unknown) => {
    if (listener) listeners.set(keyOf(type, listener), 1);
    add(type, listener, options as AddEventListenerOptions);
  }) as typeof target.addEventListener;
  target.removeEventListener = ((type: string, listener: EventListenerOrEventListenerObject, options?: unknown) => {
    if (listener) listeners.delete(keyOf(type, listener));
    remove(type, listener, options as EventListenerOptions);
  }) as typeof target.removeEventListener;
}
const ids = new WeakMap<object, number>();
let nextId = 0;
function listenerId(listener: unknown): number {
  if (typeof listener !== 'object' && typeof listener !== 'function') return -1;
  if (!ids.has(listener as object)) ids.set(listener as object, nextId++);
  return ids.get(listener as object)!;
}

/** What is outstanding now. */
export function leftovers(): Leftovers {
  return {
    // The test's own helpers (waitUntil) leave their timeouts pending; only the element's count.
    timers: [...pendingTimers.values()].filter((site) => site.includes('btc-checkout')).length,
    intervals: intervals.size,
    openSockets: sockets
      .map((ref) => ref.deref())
      .filter((socket) => socket && (socket.readyState === RealWebSocket.CONNECTING || socket.readyState === RealWebSocket.OPEN)).length,
    socketsOpened: sockets.length,
    listeners: listeners.size,
  };
}

/** The newest socket, once it is open. */
export const lastSocket = (): WebSocket | undefined => newest;

/** Where the pending timers were set (delay and call site), most common first. */
export function pendingTimerSites(): [string, number][] {
  const counts = new Map<string, number>();
  for (const site of [...pendingTimers.values()].filter((site) => site.includes('btc-checkout')))
    counts.set(site, (counts.get(site) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 5);
}
