// Does a call's request need an earlier answer? A data-flow pass over one file's syntax model: the
// answers of the LLM calls flow into variables, arrays and objects (`messages.push(res.message)`,
// `history = [...history, reply]`, `summary = r.text`), into the parameters of the functions they are
// passed to, and out of the local functions that return them; a request that reads such a value waits
// for that answer. Flow-insensitive on purpose: order is judged only where it decides (a value read
// before the answer is written, in code that never runs again, does not depend on it).
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit } from '../parse/walk';
import { isFunctionLike, propertyName, unwrap, within, type FunctionLike, type Node } from '../syntax/nodes';
import type { Binding, SyntaxModel } from '../syntax/model';

type Call = TSESTree.CallExpression;

/** A value that holds answers: a binding, or a field of `this` (`this.history`), keyed by class and name. */
type Place = Binding | string;

/** An answer entering the code: the LLM call itself, or a call of a local function that returns one. */
interface Origin {
  call: Call;
  /** The LLM calls whose answers it carries. */
  llm: readonly Call[];
}

/** Where the answers flowing into a place were written. */
type Flows = Map<Call, { origin: Origin; at: Node; viaParam: boolean }>;

export type DependenceKind = 'loop' | 'chain' | 'producer' | 'tool-loop' | 'multi-step' | 'previous-response' | 'agent' | 'chat-session' | 'graph-state';

/** Why a call's request needs an answer (or its answer is needed by a request that follows). */
export interface Dependence {
  kind: DependenceKind;
  /** Where the answer flows back into a request (or the shape is written): the line evidence points at. */
  at: Node;
  /** What carries it (`messages`, `summary`, `finish_reason === 'tool_calls'`), as written. */
  carrier: string;
  /** For `chain` and `producer`: the other call. */
  other?: Call;
  /** A loop around the whole dependence whose iterations are independent runs of it (one agent per task). */
  runs?: Node;
  /** For `chain`: the earlier call's answer continues a conversation (its own messages, or `previous_response_id`), not a new prompt. */
  conversation?: boolean;
}

/** Methods that put their arguments into the object they are called on. */
const MUTATORS = new Set(['push', 'unshift', 'splice', 'set', 'add', 'append', 'appendMessage', 'addMessage', 'addMessages', 'enqueue']);
/** Callbacks of these run once per item: a loop. */
const ITERATING = new Set(['forEach', 'map', 'flatMap', 'reduce', 'filter', 'some', 'every']);
const TOOL_REASONS = new Set(['tool_calls', 'tool_use', 'tool-calls', 'function_call', 'requires_action']);
const REASON_FIELDS = new Set(['finish_reason', 'stop_reason', 'finishReason', 'stopReason', 'status']);
const TOOL_FIELDS = new Set(['tool_calls', 'toolCalls', 'function_call', 'functionCalls']);
const CONTINUATION_FIELDS = new Set(['previous_response_id', 'previousResponseId', 'previous_interaction_id', 'conversation_id']);
/** Agent constructors whose runs loop over model calls when they have tools. */
const AGENT_FACTORIES = new Set(['createReactAgent', 'createAgent', 'createToolCallingAgent', 'createOpenAIToolsAgent', 'createOpenAIFunctionsAgent', 'createStructuredChatAgent', 'initializeAgentExecutorWithOptions', 'createAgentExecutor']);
const AGENT_CLASSES = new Set(['Agent', 'AgentExecutor', 'ToolLoopAgent', 'Experimental_Agent']);
const AGENT_RUN_METHODS = new Set(['invoke', 'stream', 'streamEvents', 'generate', 'generateText', 'streamText', 'run', 'call']);
const AGENT_RUN_SOURCES = new Set(['@openai/agents', '@openai/agents-core']);
/** LlamaIndex.TS workflow agents (`agent({ tools, llm })`, `multiAgent`): generic names, so only as imported from LlamaIndex. */
const LLAMAINDEX_AGENT_FACTORIES = new Set(['agent', 'multiAgent']);
const LLAMAINDEX_AGENT_SOURCES = /^(@llamaindex\/workflow|llamaindex)(\/|$)/;

/** Per file, the analyses made for each list of LLM calls asked with (the classifier's, a rewrite's). */
const analyses = new WeakMap<SyntaxModel, { calls: readonly Call[]; flow: AnswerFlow }[]>();

/** The dependence of `call` (one of `llmCalls`, the LLM calls detected in the model's file), or null. */
export function dependenceOf(model: SyntaxModel, call: Call, llmCalls: readonly Call[]): Dependence | null {
  // The same list asked with again (once per call of a file): found by identity, not compared call by call.
  const same = byList.get(llmCalls);
  if (same && same.model === model) return same.flow.dependenceOf(call);
  let known = analyses.get(model);
  if (!known) analyses.set(model, (known = []));
  let entry = known.find((k) => sameCalls(k.calls, llmCalls));
  if (!entry) {
    entry = { calls: llmCalls, flow: new AnswerFlow(model, llmCalls) };
    known.unshift(entry);
    known.length = Math.min(known.length, 2);
  }
  byList.set(llmCalls, { model, flow: entry.flow });
  return entry.flow.dependenceOf(call);
}

/** The analysis last made for a list of calls, by the list itself. */
const byList = new WeakMap<readonly Call[], { model: SyntaxModel; flow: AnswerFlow }>();

function sameCalls(a: readonly Call[], b: readonly Call[]): boolean {
  return a === b || (a.length === b.length && a.every((c, i) => c === b[i]));
}

class AnswerFlow {
  private readonly llm: Set<Call>;
  private readonly relays = new Map<FunctionLike, Call[]>();
  private readonly places = new Map<Place, Flows>();
  private readonly consumers = new Map<Call, Dependence | null>();
  private producers: Map<Call, Dependence> | null = null;
  private toolMarks: ToolMark[] | null = null;

  constructor(
    private readonly model: SyntaxModel,
    llmCalls: readonly Call[],
  ) {
    this.llm = new Set(llmCalls);
    for (const c of llmCalls) {
      const fn = model.functionOf(c);
      if (fn) this.relays.set(fn, [...(this.relays.get(fn) ?? []), c]);
    }
    this.propagate();
  }

  dependenceOf(call: Call): Dependence | null {
    return this.consumerOf(call) ?? this.shapeOf(call) ?? this.producersOf().get(call) ?? null;
  }

  // ---- the flow

  private propagate(): void {
    const steps: { targets: () => Place[]; source: Node; at: Node; viaParam?: boolean }[] = [];
    visit(this.model.ast, (node) => {
      switch (node.type) {
        case T.VariableDeclarator:
          if (node.init) steps.push({ targets: () => this.patternPlaces(node.id), source: node.init, at: node });
          break;
        case T.AssignmentExpression:
          steps.push({ targets: () => this.targetPlaces(node.left), source: node.right, at: node });
          break;
        case T.ForOfStatement:
        case T.ForInStatement:
          steps.push({ targets: () => this.targetPlaces(node.left), source: node.right, at: node });
          break;
        case T.CallExpression: {
          const callee = unwrap(node.callee, 'value');
          if (callee.type === T.MemberExpression) {
            const method = propertyName(callee.property, callee.computed);
            if (method && MUTATORS.has(method)) for (const a of node.arguments) steps.push({ targets: () => this.rootPlaces(callee.object), source: a, at: node });
            if (method === 'assign' && callee.object.type === T.Identifier && callee.object.name === 'Object' && node.arguments.length > 1) {
              for (const a of node.arguments.slice(1)) steps.push({ targets: () => this.rootPlaces(node.arguments[0]), source: a, at: node });
            }
          }
          const fn = this.localFunction(node);
          if (fn) {
            fn.params.forEach((p, i) => {
              const arg = node.arguments[i];
              if (arg && arg.type !== T.SpreadElement) steps.push({ targets: () => this.patternPlaces(p), source: arg, at: node, viaParam: true });
            });
          }
          break;
        }
      }
    });
    // Until nothing changes: an answer can pass through several places (res → msg → messages).
    for (let round = 0; round < 12; round++) {
      let changed = false;
      for (const s of steps) {
        const incoming = this.flowsInto(s.source);
        if (incoming.size === 0) continue;
        for (const place of s.targets()) {
          let flows = this.places.get(place);
          if (!flows) this.places.set(place, (flows = new Map()));
          for (const [call, f] of incoming) {
            if (flows.has(call)) continue;
            // A copy (`Object.keys(json)`, `xs.join(', ')`, a template) made before the answer was written
            // into what it copies, and never made again after, holds none of it.
            if (this.copiedBefore(s.source, f.at)) continue;
            // A step written before the place it reads took the answer is an alias made ahead of it
            // (`const session = { history }`, then `history.push(answer)`): the answer's way back is where
            // it entered, so the evidence keeps that line.
            const at = s.at.range[0] < f.at.range[0] && f.at !== call ? f.at : s.at;
            flows.set(call, { origin: f.origin, at, viaParam: f.viaParam || s.viaParam === true });
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
  }

  /**
   * Whether `source` makes a new value from what it reads (keys, a string, a new array) before `written`
   * and not again after it: in the same function, earlier in the text, with no loop (or iterating
   * callback) around both. A for…of's iterable is made once, before its iterations.
   */
  private copiedBefore(source: Node, written: Node): boolean {
    if (!isCopy(unwrap(source, 'value')) || source.range[1] > written.range[0]) return false;
    if (this.model.functionOf(source) !== this.model.functionOf(written)) return false;
    // The copied values that hold answers: a loop that declares them afresh each iteration (`const`,
    // `let`) writes the next iteration's answers into new ones.
    const carriers: Binding[] = [];
    visit(source, (n) => {
      const b = n.type === T.Identifier && !this.model.declares(n) ? this.model.bindingOf(n) : undefined;
      if (b && this.places.has(b)) carriers.push(b);
    });
    for (let child: Node = source, p = this.model.parents.get(source); p && !isFunctionLike(p); child = p, p = this.model.parents.get(p)) {
      const iterable = (p.type === T.ForOfStatement || p.type === T.ForInStatement) && p.right === child;
      const fresh = carriers.length > 0 && carriers.every((b) => b.kind !== 'var' && b.id !== undefined && within(b.id, p));
      if (!iterable && !fresh && (isLoop(p) || this.isIteratingCallback(p)) && within(written, p)) return false;
    }
    return true;
  }

  /** The answers an expression carries, by the call they entered through. */
  private flowsInto(expr: Node): Flows {
    const found: Flows = new Map();
    const add = (flows: Flows | undefined) => {
      if (flows) for (const [c, f] of flows) if (!found.has(c)) found.set(c, f);
    };
    visit(expr, (n) => {
      // A function value carries no answer; its body runs elsewhere (a concise arrow's result is read here, often).
      if (isFunctionLike(n) && n.body.type === T.BlockStatement) return false;
      if (n.type === T.CallExpression) {
        const origin = this.originOf(n);
        if (origin) {
          found.set(n, { origin, at: n, viaParam: false });
          return false;
        }
      }
      if (n.type === T.Identifier) {
        const b = this.model.bindingOf(n);
        if (b && !this.model.declares(n)) add(this.places.get(b));
      }
      if (n.type === T.MemberExpression && n.object.type === T.ThisExpression) {
        const key = this.thisKey(n);
        if (key) add(this.places.get(key));
      }
      return undefined;
    });
    return found;
  }

  private originOf(call: Call): Origin | null {
    if (this.llm.has(call)) return { call, llm: [call] };
    const fn = this.localFunction(call);
    const inner = fn && this.relays.get(fn);
    return inner ? { call, llm: inner } : null;
  }

  /** The function of this file a call runs (`helper(x)`, `this.helper(x)`), or null. */
  private localFunction(call: Call): FunctionLike | null {
    const callee = unwrap(call.callee, 'value');
    if (callee.type === T.Identifier) {
      const b = this.model.bindingOf(callee);
      return b?.fn ?? null;
    }
    if (callee.type === T.MemberExpression && callee.object.type === T.ThisExpression && !callee.computed && callee.property.type === T.Identifier) {
      const cls = this.classOf(callee);
      const name = callee.property.name;
      const member = cls?.body.body.find((m) => m.type === T.MethodDefinition && !m.computed && m.key.type === T.Identifier && m.key.name === name);
      if (member?.type === T.MethodDefinition) return member.value as FunctionLike;
      const prop = cls?.body.body.find((m) => m.type === T.PropertyDefinition && !m.computed && m.key.type === T.Identifier && m.key.name === name);
      if (prop?.type === T.PropertyDefinition && prop.value && isFunctionLike(prop.value)) return prop.value;
    }
    return null;
  }

  private classOf(n: Node): TSESTree.ClassDeclaration | TSESTree.ClassExpression | null {
    for (let p = this.model.parents.get(n); p; p = this.model.parents.get(p)) {
      if (p.type === T.ClassDeclaration || p.type === T.ClassExpression) return p;
    }
    return null;
  }

  private thisKey(m: TSESTree.MemberExpression): string | null {
    const name = propertyName(m.property, m.computed);
    const cls = this.classOf(m);
    return name && cls ? `this@${cls.range[0]}.${name}` : null;
  }

  private patternPlaces(p: Node): Place[] {
    const out: Place[] = [];
    visit(p, (n) => {
      if (n.type === T.Identifier) {
        const b = this.model.bindingOf(n);
        if (b && this.model.declares(n)) out.push(b);
      }
      // A default value is read, not written.
      if (n.type === T.AssignmentPattern) {
        out.push(...this.patternPlaces(n.left));
        return false;
      }
      return undefined;
    });
    return out;
  }

  private targetPlaces(left: Node): Place[] {
    const l = unwrap(left);
    if (l.type === T.VariableDeclaration) return l.declarations.flatMap((d) => this.patternPlaces(d.id));
    if (l.type === T.MemberExpression) return this.rootPlaces(l);
    if (l.type === T.Identifier) {
      const b = this.model.bindingOf(l);
      return b ? [b] : [];
    }
    const out: Place[] = [];
    visit(l, (n) => {
      if (n.type === T.Identifier) {
        const b = this.model.bindingOf(n);
        if (b) out.push(b);
      }
      if (n.type === T.MemberExpression) {
        out.push(...this.rootPlaces(n));
        return false;
      }
      return undefined;
    });
    return out;
  }

  /** What holds the object a member chain writes into: `state.messages[0]` → state; `this.history` → this.history. */
  private rootPlaces(expr: Node): Place[] {
    let n = unwrap(expr, 'value');
    while (n.type === T.MemberExpression) {
      const inner = unwrap(n.object, 'value');
      if (inner.type === T.ThisExpression) {
        const key = this.thisKey(n);
        return key ? [key] : [];
      }
      n = inner;
    }
    if (n.type === T.Identifier) {
      const b = this.model.bindingOf(n);
      return b ? [b] : [];
    }
    return [];
  }

  // ---- the verdicts

  /** An answer read by the request of `call`, written where it can reach the request. */
  private consumerOf(call: Call): Dependence | null {
    if (this.consumers.has(call)) return this.consumers.get(call)!;
    let found: Dependence | null = null;
    for (const arg of call.arguments) {
      if (found) break;
      visit(arg, (n) => {
        if (found) return false;
        if (n.type === T.CallExpression && n !== call) {
          const origin = this.originOf(n);
          // An LLM call inside the request is answered before the request is sent.
          if (origin) found = { kind: 'chain', at: n, carrier: this.short(n), other: origin.llm[0] };
        }
        const place = n.type === T.Identifier && !this.model.declares(n) ? this.model.bindingOf(n) : n.type === T.MemberExpression && n.object.type === T.ThisExpression ? this.thisKey(n) : null;
        const flows = place ? this.places.get(place) : undefined;
        if (!place || !flows) return undefined;
        for (const f of flows.values()) {
          const d = this.reaches(call, place, n, f);
          if (d) {
            found = d;
            return false;
          }
        }
        return undefined;
      });
    }
    this.consumers.set(call, found);
    return found;
  }

  /** Whether an answer written into `place` is there when `call` sends its request. */
  private reaches(call: Call, place: Place, read: Node, f: { origin: Origin; at: Node; viaParam: boolean }): Dependence | null {
    const carrier = typeof place === 'string' ? `this.${place.slice(place.indexOf('.') + 1)}` : place.name;
    const self = f.origin.llm.includes(call) || f.origin.call === call;
    const repeat = this.repeatBoundary(call, place);
    if (self) {
      // Its own answer: only a next run of the call (a loop, a method called again) reads it. Passed back
      // in as an argument, it is a next run by construction.
      if (f.viaParam) return { kind: 'loop', at: f.at, carrier };
      if (!repeat) return null;
      return { kind: 'loop', at: f.at, carrier, runs: this.runsAround(place, repeat) };
    }
    if (f.viaParam || f.origin.call.range[1] <= call.range[0]) {
      // A second stage fanned out over what the first answered (one request per fact it listed) is a
      // batch round of its own: the requests of the loop do not wait for each other.
      const loop = this.innermostLoop(call);
      if (loop && !within(f.origin.call, loop) && !f.viaParam) return null;
      return { kind: 'chain', at: f.at, carrier, other: f.origin.llm[0], runs: this.loopAroundBoth(call, f.origin.call), conversation: this.continues(f.origin, place, read) };
    }
    // Written after the request, but kept for the next iteration.
    if (repeat && within(f.origin.call, repeat)) return { kind: 'loop', at: f.at, carrier, other: f.origin.llm[0], runs: this.runsAround(place, repeat) };
    return null;
  }

  /** The innermost loop (or repeatedly run function) around `call` that the place outlives, or null. */
  private repeatBoundary(call: Call, place: Place): Node | null {
    const decl: Node | null = typeof place === 'string' ? null : (place.id ?? null);
    for (let p = this.model.parents.get(call); p; p = this.model.parents.get(p)) {
      if (decl && within(decl, p)) return null;
      if (isLoop(p) || this.isIteratingCallback(p)) return p;
      // A field of `this` or a binding outside the function lasts from one run of it to the next.
      if (isFunctionLike(p) && (decl === null || !within(decl, p))) return p;
    }
    return null;
  }

  /** A loop around the place's declaration: each of its iterations starts a fresh run. */
  private runsAround(place: Place, inner: Node): Node | undefined {
    if (typeof place === 'string' || !place.id) return undefined;
    for (let p = this.model.parents.get(place.id); p; p = this.model.parents.get(p)) {
      if (p === inner) return undefined;
      if (isLoop(p) || this.isIteratingCallback(p)) return p;
      if (isFunctionLike(p) && !this.isIteratingCallback(p)) return undefined;
    }
    return undefined;
  }

  private innermostLoop(call: Call): Node | null {
    for (let p = this.model.parents.get(call); p && !isFunctionLike(p); p = this.model.parents.get(p)) if (isLoop(p)) return p;
    const fn = this.model.functionOf(call);
    return fn && this.isIteratingCallback(fn) ? fn : null;
  }

  /** Whether the earlier answer is a turn of the same conversation: its own request read the same place, or it is continued by id. */
  private continues(origin: Origin, place: Place, read: Node): boolean {
    for (let p = this.model.parents.get(read); p; p = this.model.parents.get(p)) {
      if (p.type === T.Property && CONTINUATION_FIELDS.has(propertyName(p.key, p.computed) ?? '')) return true;
      if (p.type === T.CallExpression) break;
    }
    if (!this.llm.has(origin.call)) return false;
    if (this.repeatsMessages(origin.call, read)) return true;
    let reads = false;
    for (const a of origin.call.arguments) {
      visit(a, (n) => {
        if (reads) return false;
        if (n.type === T.Identifier && !this.model.declares(n) && this.model.bindingOf(n) === place) reads = true;
        if (n.type === T.MemberExpression && n.object.type === T.ThisExpression && this.thisKey(n) === place) reads = true;
        return undefined;
      });
    }
    return reads;
  }

  /**
   * Does the request that reads the answer send again a message the earlier request sent (the same
   * variable, or the same user or assistant message written out), as the next turn of a conversation
   * does (a tool-use turn answered with its tool results)? A shared system prompt is no such sign: a
   * router and the call it routes to may share one.
   */
  private repeatsMessages(earlier: Call, read: Node): boolean {
    let later: Call | undefined;
    for (let p = this.model.parents.get(read); p; p = this.model.parents.get(p)) {
      if (p.type === T.CallExpression && this.llm.has(p)) {
        later = p;
        break;
      }
    }
    if (!later || later === earlier) return false;
    const sent = new Set(conversationMessages(earlier).map((m) => this.model.src(m).replace(/\s+/g, ' ')));
    if (sent.size === 0) return false;
    return conversationMessages(later).some((m) => sent.has(this.model.src(m).replace(/\s+/g, ' ')));
  }

  /** The innermost loop around both calls of a chain: each iteration is one independent run of it. */
  private loopAroundBoth(a: Call, b: Call): Node | undefined {
    for (let p = this.model.parents.get(a); p; p = this.model.parents.get(p)) {
      if ((isLoop(p) || this.isIteratingCallback(p)) && within(b, p)) return p;
    }
    return undefined;
  }

  private isIteratingCallback(n: Node): boolean {
    if (!isFunctionLike(n)) return false;
    const parent = this.model.parents.get(n);
    if (parent?.type !== T.CallExpression || !parent.arguments.includes(n as TSESTree.CallExpressionArgument)) return false;
    const callee = unwrap(parent.callee, 'value');
    const method = callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : null;
    return method !== null && ITERATING.has(method);
  }

  private producersOf(): Map<Call, Dependence> {
    if (this.producers) return this.producers;
    this.producers = new Map();
    for (const consumer of this.llm) {
      const d = this.consumerOf(consumer);
      // A first stage whose answer becomes a new prompt stays batchable as its own round; a turn whose answer the conversation carries on does not.
      if (!d || d.kind !== 'chain' || !d.conversation || !d.other || d.other === consumer || this.producers.has(d.other)) continue;
      this.producers.set(d.other, { kind: 'producer', at: d.at, carrier: d.carrier, other: consumer });
    }
    return this.producers;
  }

  // ---- the shapes known by name

  private shapeOf(call: Call): Dependence | null {
    return this.toolLoop(call) ?? this.multiStep(call) ?? this.continuation(call) ?? this.agentRun(call) ?? this.chatSession(call);
  }

  /** A message sent on a chat session that keeps its history (`ai.chats.create()`, `model.startChat()`), which is sent again, or in a loop. */
  private chatSession(call: Call): Dependence | null {
    const callee = unwrap(call.callee, 'value');
    if (callee.type !== T.MemberExpression || !/^sendMessage(Stream)?$/.test(propertyName(callee.property, callee.computed) ?? '')) return null;
    const receiver = unwrap(callee.object, 'value');
    const b = receiver.type === T.Identifier ? this.model.bindingOf(receiver) : undefined;
    const init = b?.declarator?.init ? unwrap(b.declarator.init, 'value') : null;
    if (!b || init?.type !== T.CallExpression) return null;
    const made = unwrap(init.callee, 'value');
    const maker = made.type === T.MemberExpression ? this.model.src(made) : '';
    if (!/(\.chats\.create|\.startChat)$/.test(maker)) return null;
    const sends = this.model.referencesOf(b).filter((r) => {
      const m = this.model.parents.get(r);
      return m?.type === T.MemberExpression && m.object === r && /^sendMessage(Stream)?$/.test(propertyName(m.property, m.computed) ?? '');
    });
    const inLoop = (() => {
      for (let p = this.model.parents.get(call); p && !within(init, p); p = this.model.parents.get(p)) if (isLoop(p) || this.isIteratingCallback(p)) return true;
      return false;
    })();
    if (sends.length < 2 && !inLoop) return null;
    return { kind: 'chat-session', at: init, carrier: this.short(init) };
  }

  /** A loop around the call that goes on while the answer asks for tools. */
  private toolLoop(call: Call): Dependence | null {
    for (let p = this.model.parents.get(call); p && !isFunctionLike(p); p = this.model.parents.get(p)) {
      // A loop over a collection runs once per item, not until the answers stop asking for tools.
      if (!isLoop(p) || p.type === T.ForOfStatement || p.type === T.ForInStatement || (p.type === T.ForStatement && p.test && this.model.src(p.test).includes('.length'))) continue;
      const hit = this.toolMarkIn(p, call);
      if (hit) return { kind: 'tool-loop', at: hit, carrier: this.short(hit) };
    }
    return null;
  }

  /**
   * The first place inside `loop` that reads whether an answer asks for tools (`finish_reason ===
   * 'tool_calls'`, `.tool_calls` outside the call itself), in source order. The file's marks are found
   * in one walk and kept, so each call of a long loop body does not walk the whole body again.
   */
  private toolMarkIn(loop: Node, call: Call): Node | null {
    const marks = (this.toolMarks ??= findToolMarks(this.model.ast));
    const [start, end] = loop.range;
    let lo = 0;
    for (let hi = marks.length; lo < hi; ) {
      const mid = (lo + hi) >> 1;
      if (marks[mid].node.range[0] < start) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < marks.length && marks[i].node.range[0] < end; i++) {
      const m = marks[i];
      if (m.node.range[1] > end) continue;
      if (m.reason || !within(m.node, call)) return m.node;
    }
    return null;
  }

  /** AI SDK `generateText({ tools, maxSteps: 5 })` / `stopWhen`: one call that runs a tool loop. */
  private multiStep(call: Call): Dependence | null {
    for (const arg of call.arguments) {
      const obj = unwrap(arg, 'value');
      if (obj.type !== T.ObjectExpression) continue;
      const prop = (name: string) => obj.properties.find((p): p is TSESTree.Property => p.type === T.Property && propertyName(p.key, p.computed) === name);
      const tools = prop('tools');
      if (!tools || (tools.value.type === T.ObjectExpression && tools.value.properties.length === 0)) continue;
      const steps = prop('stopWhen') ?? prop('maxSteps') ?? prop('maxToolRoundtrips');
      if (!steps) continue;
      const v = unwrap(steps.value, 'value');
      if (v.type === T.Literal && typeof v.value === 'number' && v.value <= 1) continue;
      return { kind: 'multi-step', at: steps, carrier: this.short(steps) };
    }
    return null;
  }

  /** A request that continues an earlier response (`previous_response_id`). */
  private continuation(call: Call): Dependence | null {
    for (const arg of call.arguments) {
      const obj = unwrap(arg, 'value');
      if (obj.type !== T.ObjectExpression) continue;
      for (const p of obj.properties) {
        if (p.type !== T.Property || !CONTINUATION_FIELDS.has(propertyName(p.key, p.computed) ?? '')) continue;
        const v = unwrap(p.value, 'value');
        if ((v.type === T.Literal && v.value === null) || (v.type === T.Identifier && v.name === 'undefined')) continue;
        return { kind: 'previous-response', at: p, carrier: this.short(p) };
      }
    }
    return null;
  }

  /** A run of an agent with tools (LangChain/LangGraph, Mastra, OpenAI Agents SDK): a model loop. */
  private agentRun(call: Call): Dependence | null {
    const callee = unwrap(call.callee, 'value');
    if (callee.type === T.Identifier && callee.name === 'run') {
      const b = this.model.bindingOf(callee);
      if (b?.import && AGENT_RUN_SOURCES.has(b.import.source)) return { kind: 'agent', at: call, carrier: this.short(callee) };
    }
    if (callee.type !== T.MemberExpression || !AGENT_RUN_METHODS.has(propertyName(callee.property, callee.computed) ?? '')) return null;
    const receiver = unwrap(callee.object, 'value');
    if (receiver.type !== T.Identifier) return null;
    const b = this.model.bindingOf(receiver);
    const init = b?.declarator?.init ? unwrap(b.declarator.init, 'value') : null;
    if (!init || (init.type !== T.CallExpression && init.type !== T.NewExpression)) return null;
    const made = unwrap(init.callee, 'value');
    if (init.type === T.NewExpression && made.type === T.Identifier && made.name === 'Runner') {
      const rb = this.model.bindingOf(made);
      if (rb?.import && AGENT_RUN_SOURCES.has(rb.import.source)) return { kind: 'agent', at: init, carrier: this.short(init) };
      return null;
    }
    if (!isAgentWithTools(this.model, init)) return null;
    return { kind: 'agent', at: init, carrier: this.short(init) };
  }

  private short(n: Node): string {
    const s = this.model.src(n).replace(/\s+/g, ' ');
    return s.length > 60 ? s.slice(0, 57) + '…' : s;
  }
}

/** Where a file reads whether an answer asks for tools: a `finish_reason === 'tool_calls'` test, or a `.tool_calls` read. */
interface ToolMark {
  node: Node;
  /** A test of the stop reason, which marks a tool loop wherever it is; a `.tool_calls` read does only outside the call. */
  reason: boolean;
}

/** The tool marks of a file, in source order (an outer node before the nodes it holds). */
function findToolMarks(root: Node): ToolMark[] {
  const marks: ToolMark[] = [];
  visit(root, (n) => {
    if (n.type === T.BinaryExpression && /^[!=]==?$/.test(n.operator)) {
      const [a, b] = [unwrap(n.left, 'value'), unwrap(n.right, 'value')];
      const field = (x: Node) => (x.type === T.MemberExpression ? propertyName(x.property, x.computed) : null);
      const lit = (x: Node) => (x.type === T.Literal && typeof x.value === 'string' ? x.value : null);
      if ((REASON_FIELDS.has(field(a) ?? '') && TOOL_REASONS.has(lit(b) ?? '')) || (REASON_FIELDS.has(field(b) ?? '') && TOOL_REASONS.has(lit(a) ?? ''))) {
        marks.push({ node: n, reason: true });
        return undefined;
      }
    }
    if (n.type === T.MemberExpression && TOOL_FIELDS.has(propertyName(n.property, n.computed) ?? '')) marks.push({ node: n, reason: false });
    return undefined;
  });
  return marks.sort((x, y) => x.node.range[0] - y.node.range[0] || y.node.range[1] - x.node.range[1]);
}

/** Calls that make a new value from their argument or receiver: the keys, a string, a new array. */
const COPYING_FUNCTIONS = new Set(['Object.keys', 'Object.values', 'Object.entries', 'Array.from', 'JSON.stringify', 'structuredClone', 'String']);
const COPYING_METHODS = new Set(['join', 'slice', 'concat', 'map', 'filter', 'toString', 'trim', 'toLowerCase', 'toUpperCase', 'flat', 'toSorted', 'toReversed']);

/** An expression whose value is a copy of what it reads, not a reference to it. */
function isCopy(n: Node): boolean {
  if (n.type === T.TemplateLiteral) return n.expressions.length > 0;
  if (n.type === T.BinaryExpression) return true;
  if (n.type !== T.CallExpression) return false;
  const callee = unwrap(n.callee, 'value');
  if (callee.type === T.Identifier) return COPYING_FUNCTIONS.has(callee.name);
  if (callee.type !== T.MemberExpression) return false;
  const method = propertyName(callee.property, callee.computed);
  if (!method) return false;
  if (callee.object.type === T.Identifier && COPYING_FUNCTIONS.has(`${callee.object.name}.${method}`)) return true;
  return COPYING_METHODS.has(method);
}

function isLoop(n: Node): boolean {
  return n.type === T.ForStatement || n.type === T.ForOfStatement || n.type === T.ForInStatement || n.type === T.WhileStatement || n.type === T.DoWhileStatement;
}

/** `init` makes an agent (a known agent class or factory) and gives it tools: its runs loop over model calls. */
function isAgentWithTools(model: SyntaxModel, init: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
  const made = unwrap(init.callee, 'value');
  const name = made.type === T.Identifier ? made.name : made.type === T.MemberExpression ? propertyName(made.property, made.computed) : null;
  if (!name) return false;
  const isAgent =
    init.type === T.NewExpression
      ? AGENT_CLASSES.has(name)
      : AGENT_FACTORIES.has(name) || name.endsWith('AgentExecutor') || (LLAMAINDEX_AGENT_FACTORIES.has(name) && made.type === T.Identifier && LLAMAINDEX_AGENT_SOURCES.test(model.bindingOf(made)?.import?.source ?? ''));
  return isAgent && hasTools(init);
}

/**
 * A run of an agent another module makes (`import { mathAgent } from './math'`, then
 * `mathAgent.generateText(…)`): its tools are where it is made. `madeIn` finds the module and the
 * expression an imported name is made from, or null when it is not a project file's variable.
 */
export function importedAgentRun(model: SyntaxModel, call: Call, madeIn: (source: string, imported: string) => { model: SyntaxModel; init: Node } | null): Dependence | null {
  const callee = unwrap(call.callee, 'value');
  if (callee.type !== T.MemberExpression || !AGENT_RUN_METHODS.has(propertyName(callee.property, callee.computed) ?? '')) return null;
  const receiver = unwrap(callee.object, 'value');
  if (receiver.type !== T.Identifier) return null;
  const imported = model.bindingOf(receiver)?.import;
  const found = imported ? madeIn(imported.source, imported.imported) : null;
  if (!found) return null;
  const init = unwrap(found.init, 'value');
  if ((init.type !== T.CallExpression && init.type !== T.NewExpression) || !isAgentWithTools(found.model, init)) return null;
  return { kind: 'agent', at: call, carrier: `${receiver.name}, made with tools in ${found.model.file}:${init.loc.start.line}` };
}

const DELEGATION_KEYS = new Set(['tools', 'subAgents', 'handoffs']);

/** An agent made with tools (or sub-agents, handoffs): a `tools` option that is not an empty list. */
function hasTools(init: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
  for (const arg of init.arguments) {
    const a = unwrap(arg, 'value');
    if (a.type === T.ObjectExpression) {
      // Sub-agents (VoltAgent's supervisor) and handoffs (OpenAI Agents SDK) are delegated to as tools are.
      const given = a.properties.filter((p): p is TSESTree.Property => p.type === T.Property && DELEGATION_KEYS.has(propertyName(p.key, p.computed) ?? ''));
      if (given.length > 0) return given.some((p) => !(p.value.type === T.ArrayExpression && p.value.elements.length === 0) && !(p.value.type === T.ObjectExpression && p.value.properties.length === 0));
    }
  }
  return false;
}

/** Message fields of a request: the chat APIs' messages, the Responses API's input, Gemini's contents. */
const MESSAGE_FIELDS = new Set(['messages', 'input', 'contents']);

/**
 * The messages a request sends that carry the conversation (not system or developer prompts): the
 * elements of its written-out messages array, where the request is an object literal.
 */
function conversationMessages(call: Call): Node[] {
  const request = call.arguments[0];
  if (!request || request.type !== T.ObjectExpression) return [];
  const found: Node[] = [];
  for (const p of request.properties) {
    if (p.type !== T.Property || !MESSAGE_FIELDS.has(propertyName(p.key, p.computed) ?? '')) continue;
    const value = unwrap(p.value as Node, 'value');
    if (value.type !== T.ArrayExpression) continue;
    for (const el of value.elements) {
      if (!el || el.type === T.SpreadElement) continue;
      if (el.type === T.ObjectExpression && el.properties.some((q) => q.type === T.Property && propertyName(q.key, q.computed) === 'role' && q.value.type === T.Literal && (q.value.value === 'system' || q.value.value === 'developer'))) continue;
      if (el.type !== T.Identifier && el.type !== T.ObjectExpression) continue;
      found.push(el);
    }
  }
  return found;
}
