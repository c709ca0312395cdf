// The texts a session has read, kept within a budget: an audit reads every file of the tree once for
// the prefilter and the import scan, and a 15,000-file monorepo's texts alone (100 MB of source) were
// two thirds of the heap left after its syntax models were dropped. Texts asked for again soon (a
// walk's neighbourhood) stay; the rest are read from disk again when needed.

/** What a read gave: the text, or why there is none; values without a text never leave the cache. */
export interface Kept {
  text?: string;
  error?: string;
}

/**
 * The default budget, in characters of text (a character takes one or two bytes): a 60 MB tree's texts
 * all stay. Some searches still read the whole tree for a name (a job processor's registry), and at
 * 24 million characters nocobase's 11,000 files were read from disk eight times over (+3 s).
 */
export const TEXT_BUDGET_CHARS = 64_000_000;

/**
 * A map from path to what its read gave, holding at most `budget` characters of text: the least
 * recently used texts go first. Entries without a text (a read error, a file too large) are small and
 * always kept, so an error is reported the same however often the file is asked about.
 */
export class TextCache<V extends Kept> {
  /** Entries with a text, least recently used first (a Map iterates in insertion order). */
  private readonly texts = new Map<string, V>();
  /** Entries without one. */
  private readonly others = new Map<string, V>();
  private chars = 0;

  constructor(private readonly budget: number = TEXT_BUDGET_CHARS) {}

  get(path: string): V | undefined {
    const value = this.texts.get(path);
    if (value === undefined) return this.others.get(path);
    this.texts.delete(path);
    this.texts.set(path, value);
    return value;
  }

  set(path: string, value: V): void {
    this.delete(path);
    if (value.text === undefined) {
      this.others.set(path, value);
      return;
    }
    this.texts.set(path, value);
    this.chars += value.text.length;
    for (const [key, kept] of this.texts) {
      // The text just read stays even when it alone is over the budget: its reader is about to use it.
      if (this.chars <= this.budget || key === path) break;
      this.texts.delete(key);
      this.chars -= kept.text!.length;
    }
  }

  delete(path: string): void {
    const old = this.texts.get(path);
    if (old !== undefined) {
      this.chars -= old.text!.length;
      this.texts.delete(path);
    }
    this.others.delete(path);
  }

  clear(): void {
    this.texts.clear();
    this.others.clear();
    this.chars = 0;
  }

  /** Characters of text kept now. */
  get size(): number {
    return this.chars;
  }
}
