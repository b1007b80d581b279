/**
 * One exchange of the wire differential test: a connection that sends a case's pieces (a short pause between
 * them, so the server reads them apart), waits until the server goes quiet or closes (phase 1: what the server
 * answers to what it has, without the end of input), then half-closes and reads until the server closes
 * (phase 2). The outcome is what came back in each phase and whether the server closed before the half-close.
 */

import * as net from 'node:net';

/** What the server did with one case. `early` and `all` are the bytes received, as binary strings. */
export interface Outcome {
  early: string;
  all: string;
  /** The server closed the connection before the client half-closed it. */
  closedEarly: boolean;
}

/** How long phase 1 waits: the quiet time, and (on replay) how much the server should send before it. */
export interface ExchangeTiming {
  quietMs: number;
  /** Replay: phase 1 ends early once this many bytes came (and `quietMs` of quiet after them). */
  expectEarly?: number;
  /** Replay: the server is expected to close before the half-close: wait for that too. */
  expectClose?: boolean;
  /** Replay: wait this long at most for `expectEarly` bytes (and the close). */
  patienceMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Plays `pieces` (binary strings) to 127.0.0.1:`port`. */
export async function exchange(port: number, pieces: string[], t: ExchangeTiming): Promise<Outcome> {
  const sock = net.connect(port, '127.0.0.1');
  sock.setNoDelay(true);
  let got = '';
  let closed = false;
  let lastData = Date.now();
  let notify: (() => void) | null = null;
  const poke = (): void => {
    const n = notify;
    notify = null;
    n?.();
  };
  sock.on('data', (d: Buffer) => {
    got += d.toString('latin1');
    lastData = Date.now();
    poke();
  });
  sock.on('error', () => undefined);
  sock.on('close', () => {
    closed = true;
    poke();
  });
  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      notify = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  await new Promise<void>((resolve) => {
    sock.once('connect', () => resolve());
    sock.once('close', () => resolve());
  });
  for (let i = 0; i < pieces.length && !closed; i++) {
    if (i > 0) {
      await sleep(3);
      // Let the event loop read what came first: a write to a connection the server has reset destroys the
      // socket, and with it whatever response is still unread in the kernel's buffer.
      await new Promise((r) => setImmediate(r));
      if (closed) break;
    }
    sock.write(Buffer.from(pieces[i], 'latin1'));
  }
  // Phase 1.
  const start = Date.now();
  lastData = start;
  const patience = t.patienceMs ?? t.quietMs;
  for (;;) {
    if (closed) break;
    const now = Date.now();
    const quiet = now - lastData;
    const waitingFor = ((t.expectEarly !== undefined && got.length < t.expectEarly) || t.expectClose === true) && now - start < patience;
    if (!waitingFor && quiet >= t.quietMs) break;
    await wait(waitingFor ? Math.max(1, patience - (now - start)) : t.quietMs - quiet);
  }
  const early = got;
  const closedEarly = closed;
  // Phase 2.
  if (!closed) {
    sock.end();
    const deadline = Date.now() + 5000;
    while (!closed && Date.now() < deadline) await wait(deadline - Date.now());
    sock.destroy();
  }
  return { early, all: got, closedEarly };
}

/** The responses in `bytes` with their Date values blanked (the only field that differs from run to run). */
export function normalize(bytes: string): string {
  return bytes.replace(/\r\nDate: [^\r\n]*\r\n/g, '\r\nDate: X\r\n');
}
