// What a memoised computation read, so that a memo kept across analyses (an editor's session, one
// analysis per edit) forgets an entry exactly when something it read has changed.
//   deps.read(key)                 – the project index reads a file (key: its path) or a whole-workspace list ('*…')
//   deps.track(compute)            – runs a computation; returns its value and every key it read, nested ones included
//   new KeptMemo<K, V>(deps)       – a memo whose entries carry their keys: a hit counts them as read again
//   memo.forget(key)               – drops the entries that read `key`
// Keys of whole-workspace lists, read by whoever asks for the list (a file's specifiers, a text test's passes):
export const IMPORT_LISTS = '*imports';
export const TEXT_TEST_LISTS = '*passing';

export class Dependencies {
  /** The computations open now, innermost last: each collects what it reads. */
  private readonly frames: Set<string>[] = [];

  /** Off (a single analysis, whose memos die with it): nothing is collected, `track` only runs. */
  constructor(readonly enabled = true) {}

  read(key: string): void {
    const top = this.frames[this.frames.length - 1];
    if (top) top.add(key);
  }

  /** A memo hit: what the kept entry read counts as read by the computations open now. */
  readAll(keys: Iterable<string>): void {
    const top = this.frames[this.frames.length - 1];
    if (top) for (const k of keys) top.add(k);
  }

  /** Runs `compute`, collecting what it reads; the keys count as read by the computation around it too. */
  track<V>(compute: () => V): { value: V; keys: Set<string> } {
    const keys = new Set<string>();
    if (!this.enabled) return { value: compute(), keys };
    this.frames.push(keys);
    try {
      return { value: compute(), keys };
    } finally {
      this.frames.pop();
      this.readAll(keys);
    }
  }
}

/**
 * A memo kept across analyses. Each entry holds the keys its computation read; an edit forgets the
 * entries that read the edited file. Entries whose values hold syntax nodes must also go when the
 * models are dropped (`clear`): a model parsed again has other nodes.
 */
/** For analyses whose memos are not kept beyond them. */
export const UNTRACKED = new Dependencies(false);

export class KeptMemo<K, V> {
  private readonly entries = new Map<K, { value: V; keys: readonly string[] }>();
  /** By key read: the entries that read it (may name entries already gone). */
  private readonly readers = new Map<string, Set<K>>();

  constructor(private readonly deps: Dependencies) {}

  /** The kept value, its keys counted as read; undefined when there is none. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.deps.readAll(entry.keys);
    return entry.value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The kept value, or `compute`'s, kept with what it read. */
  compute(key: K, compute: () => V): V {
    const kept = this.get(key);
    if (kept !== undefined) return kept;
    const { value, keys } = this.deps.track(compute);
    this.keep(key, value, keys);
    return value;
  }

  keep(key: K, value: V, keys: Iterable<string>): void {
    const list = [...keys];
    this.entries.set(key, { value, keys: list });
    for (const k of list) {
      let readers = this.readers.get(k);
      if (!readers) this.readers.set(k, (readers = new Set()));
      readers.add(key);
    }
  }

  /** Forgets the entries that read `key`. */
  forget(key: string): void {
    const readers = this.readers.get(key);
    if (!readers) return;
    this.readers.delete(key);
    for (const k of readers) this.entries.delete(k);
  }

  clear(): void {
    this.entries.clear();
    this.readers.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
