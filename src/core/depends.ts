// What a memoised computation read, so that a memo kept across analyses (an editor's session, one
// analysis per edit) forgets an entry exactly when something it read has changed.
//   deps.read(key)                 – the project index reads a file (key: its path) or a whole-workspace list ('*…')
//   deps.track(compute)            – runs a computation; returns its value and what it read, nested computations included
//   new KeptMemo<K, V>(deps)       – a memo whose entries carry what they read: a hit counts it as read again
//   memo.forget(key)               – drops the entries that read `key`
// What was read is a set of bits, one per key (a session reads a few thousand files): an entry that
// read 500 files costs 500 bits, and a hit adds them to the computation around it word by word.

/** Keys of whole-workspace lists, read by whoever asks for the list (the importers by specifier, a text test's files). */
export const IMPORT_LISTS = '*imports';
export const TEXT_TEST_LISTS = '*passing';

/** What a computation read: bit i is the key numbered i. */
export type Reads = Uint32Array;

const NOTHING: Reads = new Uint32Array(0);

export class Dependencies {
  /** The computations open now, innermost last: each collects what it reads. */
  private readonly frames: Uint32Array[] = [];
  private readonly ids = new Map<string, number>();

  /** Off (a single analysis, whose memos die with it): nothing is collected, `track` only runs. */
  constructor(readonly enabled = true) {}

  read(key: string): void {
    if (this.frames.length === 0) return;
    let id = this.ids.get(key);
    if (id === undefined) this.ids.set(key, (id = this.ids.size));
    const word = id >>> 5;
    let top = this.frames[this.frames.length - 1];
    if (word >= top.length) top = this.grown(word + 1);
    top[word] |= 1 << (id & 31);
  }

  /** A memo hit: what the kept entry read counts as read by the computation open now. */
  readAll(reads: Reads): void {
    if (this.frames.length === 0 || reads.length === 0) return;
    let top = this.frames[this.frames.length - 1];
    if (reads.length > top.length) top = this.grown(reads.length);
    for (let i = 0; i < reads.length; i++) top[i] |= reads[i];
  }

  /** The innermost frame, made at least `words` long. */
  private grown(words: number): Uint32Array {
    const old = this.frames[this.frames.length - 1];
    const top = new Uint32Array(Math.max(words, (this.ids.size >>> 5) + 1));
    top.set(old);
    this.frames[this.frames.length - 1] = top;
    return top;
  }

  /** Runs `compute`, collecting what it reads; that counts as read by the computation around it too. */
  track<V>(compute: () => V): { value: V; reads: Reads } {
    if (!this.enabled) return { value: compute(), reads: NOTHING };
    this.frames.push(new Uint32Array((this.ids.size >>> 5) + 1));
    let reads = NOTHING;
    try {
      return { value: compute(), reads: (reads = trimmed(this.frames[this.frames.length - 1])) };
    } finally {
      const frame = this.frames.pop()!;
      this.readAll(reads === NOTHING ? trimmed(frame) : reads);
    }
  }

  /** Whether `reads` holds `key` (false for a key never read). */
  holds(reads: Reads, key: string): boolean {
    const id = this.ids.get(key);
    if (id === undefined) return false;
    const word = id >>> 5;
    return word < reads.length && (reads[word] & (1 << (id & 31))) !== 0;
  }
}

/** The set without its trailing empty words. */
function trimmed(bits: Uint32Array): Reads {
  let end = bits.length;
  while (end > 0 && bits[end - 1] === 0) end--;
  return end === 0 ? NOTHING : end === bits.length ? bits : bits.slice(0, end);
}

/** For analyses whose memos are not kept beyond them. */
export const UNTRACKED = new Dependencies(false);

/**
 * A memo whose entries carry what their computation read. Kept across analyses, an edit forgets the
 * entries that read the edited file; one for a single analysis still counts a hit's reads as read by
 * the computation that hit it, so that a kept memo computed around it knows them. Entries whose values
 * hold syntax nodes must also go when the models are dropped (`clear`): a model parsed again has other
 * nodes.
 */
export class KeptMemo<K, V> {
  private readonly entries = new Map<K, { value: V; reads: Reads }>();

  constructor(private readonly deps: Dependencies) {}

  /** The kept value, what it read counted as read; undefined when there is none. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.deps.readAll(entry.reads);
    return entry.value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The kept value, or `compute`'s, kept with what it read. */
  compute(key: K, compute: () => V): V {
    const kept = this.get(key);
    if (kept !== undefined) return kept;
    const { value, reads } = this.deps.track(compute);
    this.keep(key, value, reads);
    return value;
  }

  keep(key: K, value: V, reads: Reads = NOTHING): void {
    this.entries.set(key, { value, reads });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Forgets the entries that read `key`. */
  forget(key: string): void {
    for (const [k, entry] of this.entries) if (this.deps.holds(entry.reads, key)) this.entries.delete(k);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

