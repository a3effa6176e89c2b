/**
 * The effects the core may use, passed in by its host (the browser controller, Node, tests).
 * Types are structural and minimal, so the platform's own `fetch`, `WebSocket` and timers fit,
 * and so do fakes.
 * @module
 */

export interface ResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export interface RequestInitLike {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  cache?: 'no-store';
  keepalive?: boolean;
  /** An AbortSignal: a request that outlives its timeout is cancelled, freeing its connection. */
  signal?: unknown;
}

export type FetchLike = (url: string, init?: RequestInitLike) => Promise<ResponseLike>;

/** A WebSocket as the browser's and the `ws` package's both are. */
export interface SocketLike {
  send(data: string): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Clock {
  /** Unix milliseconds. */
  now(): number;
}

/**
 * Runs `task` while holding the lock `name`, exclusively among all of this origin's pages and
 * checkouts (the Web Locks API in a browser), and resolves with its result. The task is
 * synchronous on purpose: what it reads and writes cannot change under it.
 */
export type LockFn = <T>(name: string, task: () => T) => Promise<T>;
