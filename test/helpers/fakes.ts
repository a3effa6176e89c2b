/**
 * Deterministic stand-ins for the effects the core takes: a manual clock with timers, a socket
 * the test drives, and a fetch that answers from a script. They run in Node and in browsers.
 */
import type { FetchLike, RequestInitLike, ResponseLike, SocketLike } from '../../src/core/effects.js';

/** Lets pending promise callbacks run (a real macrotask turn). */
export const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export class ManualTimers {
  now = 1_700_000_000_000;
  /** How many timers have run: a busy loop shows here. */
  fired = 0;
  private nextId = 1;
  private timers: { id: number; at: number; callback: () => void }[] = [];

  setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.timers.push({ id, at: this.now + ms, callback });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  };

  /** Delays of the pending timers, from now, in order. */
  get pending(): number[] {
    return this.timers.map((timer) => timer.at - this.now).sort((a, b) => a - b);
  }

  /** Moves the clock forward, running every timer that falls due, in order, with promise turns between. */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    await flush();
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.now = due.at;
      this.fired++;
      due.callback();
      await flush();
    }
    this.now = target;
    await flush();
  }
}

export class FakeSocket implements SocketLike {
  static created: FakeSocket[] = [];
  readonly sent: unknown[] = [];
  closed = false;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  readonly url: string;

  constructor(url: string) {
    this.url = url;
    FakeSocket.created.push(this);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closed = true;
  }
  /** The server accepts the connection. */
  open(): void {
    this.onopen?.({});
  }
  /** The server sends a frame (an object, or raw text). */
  receive(frame: unknown): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
  /** The connection drops. */
  drop(): void {
    this.onclose?.({});
  }
}

export interface Answer {
  status?: number;
  body?: string | object;
  headers?: Record<string, string>;
}

/** A fetch that answers `routes[url]` (a value or a function), or 404; records every request. */
export function scriptedFetch(
  routes: Record<string, Answer | ((url: string, init?: RequestInitLike) => Answer | Promise<Answer> | 'network-error')>,
): FetchLike & { requests: string[] } {
  const requests: string[] = [];
  const fetch = async (url: string, init?: RequestInitLike): Promise<ResponseLike> => {
    requests.push(url);
    const route = routes[url];
    const answer = typeof route === 'function' ? await route(url, init) : (route ?? { status: 404, body: 'not found' });
    if (answer === 'network-error') throw new TypeError('Failed to fetch');
    const status = answer.status ?? 200;
    const headers = Object.fromEntries(Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? '');
    return {
      ok: status >= 200 && status < 300,
      status,
      headers: { get: (name) => headers[name.toLowerCase()] ?? null },
      text: async () => text,
    };
  };
  return Object.assign(fetch, { requests });
}

/** Loads a JSON fixture from test/fixtures, in Node or in the browser. */
export async function fixture<T>(name: string): Promise<T> {
  const url = new URL(`../fixtures/${name}`, import.meta.url);
  if (typeof process !== 'undefined' && process.versions?.node) {
    // Built at run time so that the browser test server does not try to resolve it.
    const fsModule = ['node:fs', 'promises'].join('/');
    const { readFile } = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
    return JSON.parse(await readFile(url, 'utf8')) as T;
  }
  return (await (await fetch(url)).json()) as T;
}

/** A reproducible Math.random (mulberry32): the same seed gives the same numbers. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
