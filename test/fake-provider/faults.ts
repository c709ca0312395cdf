// Faults the fake providers can inject, as a network or a provider can: an answer lost after the server
// acted on the request, a connection reset before it did, a request never answered, result files cut
// mid-line or holding repeated, conflicting or malformed lines, batches that never finish. Everything
// else the fakes serve stays the documented wire format.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface Faults {
  /** Routes (`POST /v1/batches`, ids written `:id`) whose answer is lost after the server acted on them: the connection is reset instead, this many times. */
  dropResponse?: Record<string, number>;
  /** Routes whose connection is reset before the server acts on them, this many times. */
  resetBefore?: Record<string, number>;
  /** Routes the server acts on and then never answers (a test kills the client that waits). */
  hang?: string[];
  /** Result downloads served cut in the middle of their last line, this many times (Infinity: the file itself is cut). */
  cutResults?: number;
  /** custom_ids whose result line is written twice. */
  duplicateLines?: string[];
  /** custom_ids whose result line is followed by a second, different answer. */
  conflictingLines?: string[];
  /** custom_ids whose result line is cut in half (still naming its custom_id, no longer JSON). */
  malformedLines?: string[];
  /** Batches never leave in_progress. */
  stuck?: boolean;
}

/** A request's route: method and path, with the ids of files and batches (Mistral's are UUIDs) written `:id`. */
export function routeKey(method: string | undefined, path: string): string {
  return `${method ?? 'GET'} ${path.split('/').map((seg) => (/^(file-|batch_|msgbatch_)|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(seg) ? ':id' : seg)).join('/')}`;
}

/** The faults of one fake server, and a way for tests to wait for a request without timing it. */
export class FaultInjector {
  faults: Faults;
  private readonly waiters: { route: string; resolve: () => void }[] = [];

  constructor(faults: Faults = {}) {
    this.faults = faults;
  }

  /** Resolves once the server has acted on the next request to `route` (answered, lost or hung). */
  waitFor(route: string): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ route, resolve }));
  }

  /**
   * Applies the connection faults to one request before the server handles it; returns false when the
   * connection was reset and nothing more is to be done.
   */
  begin(req: IncomingMessage, res: ServerResponse, route: string): boolean {
    if (take(this.faults.resetBefore, route)) {
      req.socket.destroy();
      return false;
    }
    const done = () => this.acted(route);
    if (take(this.faults.dropResponse, route)) {
      // The server acts, then the connection drops where the answer would have gone.
      res.writeHead = (() => res) as ServerResponse['writeHead'];
      res.end = (() => {
        req.socket.destroy();
        done();
        return res;
      }) as ServerResponse['end'];
    } else if (this.faults.hang?.includes(route)) {
      res.writeHead = (() => res) as ServerResponse['writeHead'];
      res.end = (() => {
        done();
        return res;
      }) as ServerResponse['end'];
    } else {
      res.on('finish', done);
    }
    return true;
  }

  /** The result lines as a faulty provider would write them. `other` gives a line a different answer for the same custom_id. */
  resultLines(lines: { customId: string; line: string }[], other: (customId: string, line: string) => string): string[] {
    const out: string[] = [];
    for (const { customId, line } of lines) {
      if (this.faults.malformedLines?.includes(customId)) {
        out.push(line.slice(0, Math.floor(line.length / 2)));
        continue;
      }
      out.push(line);
      if (this.faults.duplicateLines?.includes(customId)) out.push(line);
      if (this.faults.conflictingLines?.includes(customId)) out.push(other(customId, line));
    }
    return out;
  }

  /** A results download: cut in the middle of its last line while cutResults lasts. */
  download(content: string): string {
    const left = this.faults.cutResults ?? 0;
    if (left <= 0) return content;
    this.faults.cutResults = left - 1;
    const body = content.endsWith('\n') ? content.slice(0, -1) : content;
    const lastLine = body.lastIndexOf('\n') + 1;
    return body.slice(0, lastLine + Math.floor((body.length - lastLine) / 2));
  }

  private acted(route: string): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].route !== route) continue;
      this.waiters[i].resolve();
      this.waiters.splice(i, 1);
    }
  }
}

function take(counts: Record<string, number> | undefined, route: string): boolean {
  const left = counts?.[route] ?? 0;
  if (left <= 0) return false;
  counts![route] = left - 1;
  return true;
}

/** Closes the server and the connections a client keeps alive (or that a hung request holds). */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** What every fake server gives its tests besides its own fields: the faults in force (to change between runs), a wait for a route, close. */
export interface FakeControls {
  faults: Faults;
  waitFor(route: string): Promise<void>;
  close(): Promise<void>;
}

/** A fake server's handle: its own fields, and the controls backed by its fault injector. */
export function fakeHandle<T extends object>(fields: T, injector: FaultInjector, server: Server): T & FakeControls {
  return Object.defineProperties(fields, {
    faults: {
      get: () => injector.faults,
      set: (faults: Faults) => {
        injector.faults = faults;
      },
      enumerable: true,
    },
    waitFor: { value: (route: string) => injector.waitFor(route), enumerable: true },
    close: { value: () => closeServer(server), enumerable: true },
  }) as T & FakeControls;
}
