// tRPC: a procedure's resolver (`t.procedure.input(…).query(({ ctx }) => …)`, `.mutation`, `.subscription`)
// is handed the context `initTRPC.context<Context>()` declares. The context's type is found by walking
// from the resolver's call down the builder chain (`.input(…)`, `.use(…)`, `.procedure`), through the
// consts that keep a builder (`export const publicProcedure = t.procedure`) in this module or one it
// imports, to that type argument. What the type says the context holds (a client made by createContext)
// the resolver reads as it reads any declared type.
import { AST_NODE_TYPES as T, TSESTree } from '../../parse/parse';
import { isFunctionLike, Node, propertyName, unwrap } from '../../syntax/nodes';
import type { SyntaxModel } from '../../syntax/model';
import { ModuleLookup, resolveExport } from '../../syntax/modules';

const RESOLVERS = new Set(['query', 'mutation', 'subscription']);

/** How far down a builder chain (calls, members, consts) the walk goes before it gives up. */
const MAX_HOPS = 32;

export interface TrpcContextType {
  /** The file whose `initTRPC.context<…>()` declares the type, where its names resolve. */
  file: string;
  type: TSESTree.TypeNode;
  anchor: Node;
}

/** The context type declared for a tRPC resolver whose first parameter is `param`, or null when it is none. */
export function trpcContextType(model: SyntaxModel, modules: ModuleLookup, param: Node): TrpcContextType | null {
  const fn = model.parents.get(param);
  if (!fn || !isFunctionLike(fn) || fn.params[0] !== param) return null;
  const call = model.parents.get(fn);
  if (call?.type !== T.CallExpression || call.arguments[0] !== fn || call.callee.type !== T.MemberExpression) return null;
  if (!RESOLVERS.has(propertyName(call.callee.property, call.callee.computed) ?? '')) return null;
  let at: { model: SyntaxModel; node: Node } = { model, node: call.callee.object };
  for (let hops = 0; hops < MAX_HOPS; hops++) {
    const n = unwrap(at.node);
    if (n.type === T.CallExpression) {
      if (n.callee.type !== T.MemberExpression) return null;
      const args = n.typeArguments?.params;
      if (propertyName(n.callee.property, n.callee.computed) === 'context' && args?.length === 1) {
        return isInitTrpc(at.model, n.callee.object) ? { file: at.model.file, type: args[0], anchor: n } : null;
      }
      at = { model: at.model, node: n.callee.object };
    } else if (n.type === T.MemberExpression) {
      at = { model: at.model, node: n.object };
    } else if (n.type === T.Identifier) {
      const next = constInit(at.model, modules, n);
      if (!next) return null;
      at = next;
    } else return null;
  }
  return null;
}

/** `initTRPC`, imported from @trpc/server. */
function isInitTrpc(model: SyntaxModel, node: Node): boolean {
  const n = unwrap(node);
  if (n.type !== T.Identifier || n.name !== 'initTRPC') return false;
  const source = model.resolve(n)?.import?.source;
  return source !== undefined && (source === '@trpc/server' || source.startsWith('@trpc/server/'));
}

/** What a const of this module, or one it imports, is initialised with. */
function constInit(model: SyntaxModel, modules: ModuleLookup, id: TSESTree.Identifier): { model: SyntaxModel; node: Node } | null {
  const b = model.resolve(id);
  if (b?.kind === 'const' && b.declarator?.init && b.keys?.length === 0) return { model, node: b.declarator.init };
  if (b?.kind !== 'import' || !b.import || b.import.imported === '*' || b.import.source.startsWith('@trpc/')) return null;
  const target = modules(model.file, b.import.source);
  const found = target ? resolveExport(modules, target, b.import.imported) : null;
  if (found?.kind === 'binding' && found.binding?.kind === 'const' && found.binding.declarator?.init && found.binding.keys?.length === 0) {
    return { model: found.model, node: found.binding.declarator.init };
  }
  return found?.kind === 'value' && found.member === undefined ? { model: found.model, node: found.value } : null;
}
