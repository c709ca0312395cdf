// What an editor's session keeps of its analyses for the next one (one analysis per edit): the call
// graph's memos by file name, the walk's paths by function and the resolver's answers, each entry with
// the files and lists its computation read (depends.ts). The session forgets what read an edited file.
import type { Path } from './classify/path';
import { KeptGraph } from './classify/graph';
import { ResolverMemos } from './detect/resolve';
import { Dependencies, KeptMemo } from './depends';
import type { Node } from './parse/walk';

export class KeptMemos {
  readonly deps = new Dependencies();
  readonly graph = new KeptGraph(this.deps);
  readonly paths = new KeptMemo<Node, Path[]>(this.deps);
  readonly resolver = new ResolverMemos(this.deps);

  /** The entries that read `key` (a file, or a whole-workspace list) go. */
  forget(key: string): void {
    this.graph.forget(key);
    this.paths.forget(key);
    this.resolver.forget(key);
  }

  clear(): void {
    this.graph.clear();
    this.dropNodes();
  }

  /** The syntax models were dropped: what holds their nodes goes (a model parsed again has other nodes). */
  dropNodes(): void {
    this.paths.clear();
    this.resolver.clear();
  }
}
