// Follows names to what they hold, across files: imports, `new OpenAI()`, aliases of member chains,
// destructuring, class fields, typed parameters, factory functions, re-exports and CommonJS exports.
// Everything is abstract: the result says "this is an OpenAI client's chat.completions", never runs code.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { visit } from '../parse/walk';
import { elementValue, loopItemValue } from './elements';
import { FunctionLike, isFunctionLike, Node, propertyName, requireSource, unwrap } from '../syntax/nodes';
import type { Provider } from '../model';
import { BEDROCK_COMMANDS, CLIENT_MODULES, CLIENT_WRAPPER_FUNCTIONS, ClientModule, clientModuleFor, Dialect, HANDLE_CALLS, isModelClassSource, MODEL_METHODS, ModelClass, modelClassFor, ModelProviderModule, modelProviderModuleFor, WrapperCall, wrapperCallFor, WRAPPER_SOURCES } from './catalogue';
import type { ProjectIndex } from '../project';
import { providerFromEnvVar, providerFromUrl } from './providers';
import { ProviderName, splitModelString } from './frameworks/providers';
import { trpcContextType } from './frameworks/trpc';
import { frameworkValueOfCall, frameworkValueOfNew, frameworkMember, frameworkPackageExport, isFrameworkImportSource } from './frameworks/values';
import type { Binding, SyntaxModel } from '../syntax/model';
import { ModuleLookup, resolveExport } from '../syntax/modules';

export type Value =
  | { kind: 'class'; provider: Provider; dialect: Dialect; followsBaseUrl?: boolean }
  // A client, or a member chain of one; `model` is the model a handle was made for (`getGenerativeModel({ model })`).
  | { kind: 'client'; provider: Provider; dialect: Dialect; path: string[]; model?: string | null }
  | { kind: 'sdk-namespace'; module: ClientModule }
  // A Bedrock Runtime command class, and a command made with it (`new ConverseCommand(input)`).
  | { kind: 'command'; name: string; file?: string; node?: TSESTree.NewExpression }
  | { kind: 'module'; file: string }
  | { kind: 'function'; file: string; node: FunctionLike }
  // A class of the workspace, for its static fields (`class Llm { static openai = new OpenAI() }`).
  | { kind: 'user-class'; file: string; node: TSESTree.ClassDeclaration }
  // An instance of a class of the workspace, as a parameter or field is declared (`private llm: LlmService`).
  | { kind: 'instance'; file: string; node: TSESTree.ClassDeclaration }
  // A value of an object type of the workspace (`type OpenAiService = { getChat(): Promise<Chat> }`, an interface): its members' declared types.
  | { kind: 'typed'; file: string; members: readonly TSESTree.TypeElement[]; anchor: Node }
  // A method known by its declared return type only (an interface's method, an abstract method).
  | { kind: 'signature'; file: string; returns: TSESTree.TypeNode | undefined; anchor: Node }
  | { kind: 'string'; value: string }
  // Only from literals, `const` bindings and conditionals whose branches agree: a flag read as
  // known must be known (`stream`).
  | { kind: 'boolean'; value: boolean }
  /** Every name the queue may have: `new Queue(dev ? 'jobs-dev' : 'jobs')` is either. */
  | { kind: 'queue'; names: string[] }
  | { kind: 'object'; file: string; node: TSESTree.ObjectExpression }
  // The AI SDK: its module, one of its LLM functions, a provider package, a provider instance (or one of
  // its model methods), a `createOpenAI`-style factory, and the model a provider returns.
  | { kind: 'wrapper-namespace'; source: string }
  | { kind: 'wrapper-fn'; call: WrapperCall }
  | { kind: 'model-namespace'; module: ModelProviderModule }
  | { kind: 'model-provider'; provider: ProviderName | null }
  | { kind: 'model-creator'; provider: ProviderName | null }
  | { kind: 'model'; provider: ProviderName | null; id: string | null }
  // A test double (`new MockLanguageModelV2()` from 'ai/test'): calls on it cost nothing.
  | { kind: 'mock-model' }
  // LangChain: a model class, and an instance with the model and output limit it was built with.
  | { kind: 'model-class-namespace'; source: string }
  | { kind: 'model-class'; cls: ModelClass }
  | { kind: 'model-instance'; cls: ModelClass; id: string | null; maxTokens: number | null; provider: ProviderName | null };

/** The name a constructor's parameter property (`private readonly openai: OpenAI`) gives the instance. */
function parameterPropertyName(param: TSESTree.TSParameterProperty): string | null {
  const p = param.parameter.type === T.AssignmentPattern ? param.parameter.left : param.parameter;
  return p.type === T.Identifier ? p.name : null;
}

/**
 * How deep evaluations may nest before the rest of a chain is put off: far inside the stack Node gives
 * a thread, since the walk that asks may itself be deep.
 */
const MAX_NESTING = 150;
/** How many stretches of a chain one outermost evaluation follows before it gives up (a chain of some 300,000 names). */
const MAX_DEFERRALS = 2_000;

/** Thrown where nesting reaches MAX_NESTING: what to evaluate first, from the top of the stack, so the rest can be memoised. */
class Deferral {
  constructor(readonly first: () => void) {}
}

export class Resolver {
  private readonly memo = new Map<Node, Value | null>();
  private readonly exportMemo = new Map<string, Value | null>();
  private readonly inProgress = new Set<Node | string>();
  private depth = 0;

  constructor(readonly project: ProjectIndex) {}

  /**
   * Every string an expression may be: either branch of a conditional (`deliberate ? 'a' : 'b'`), also
   * through a constant of its module that holds one; else the one string `evaluate` reads (which takes a
   * conditional's first branch). Null when it may be any.
   */
  possibleStrings(file: string, node: Node, depth = 0): Set<string> | null {
    if (depth > 8) return null;
    if (node.type === T.ConditionalExpression) {
      const yes = this.possibleStrings(file, node.consequent, depth + 1);
      const no = yes && this.possibleStrings(file, node.alternate, depth + 1);
      return yes && no ? new Set([...yes, ...no]) : null;
    }
    if (node.type === T.Identifier) {
      const b = this.project.get(file)?.resolve(node);
      const decl = b?.declarator;
      if (decl?.init && decl.id === b?.id && b?.kind === 'const') return this.possibleStrings(file, decl.init, depth + 1);
    }
    const v = this.evaluate(file, node);
    return v?.kind === 'string' ? new Set([v.value]) : null;
  }

  /** What an expression in `file` evaluates to, as far as static reading can tell. */
  evaluate(file: string, node: Node): Value | null {
    if (this.memo.has(node)) return this.memo.get(node)!;
    if (this.inProgress.has(node)) return null;
    return this.nested(
      () => this.evaluate(file, node),
      () => {
        this.inProgress.add(node);
        let value: Value | null = null;
        try {
          value = this.evaluateUncached(file, node);
        } finally {
          this.inProgress.delete(node);
        }
        this.memo.set(node, value);
        return value;
      },
    );
  }

  /**
   * Runs `compute` one level deeper. A chain of names longer than the stack allows (`const c2 = c1`
   * two thousand times) is not followed in one go: where nesting reaches MAX_NESTING the evaluation
   * stops (`again` says what it needed), the outermost level evaluates that first, from the top of the
   * stack, and memoises it, then tries again, so the chain is followed from its far end, a stretch at a time.
   */
  private nested<V>(again: () => void, compute: () => V): V {
    if (this.depth >= MAX_NESTING) throw new Deferral(again);
    if (this.depth > 0) {
      this.depth++;
      try {
        return compute();
      } finally {
        this.depth--;
      }
    }
    const pending: (() => void)[] = [];
    for (;;) {
      this.depth = 1;
      try {
        if (pending.length === 0) return compute();
        pending[pending.length - 1]();
        pending.pop();
      } catch (err) {
        if (!(err instanceof Deferral)) throw err;
        if (pending.length >= MAX_DEFERRALS) throw new RangeError('Maximum call stack size exceeded: a chain of names too long to follow');
        pending.push(err.first);
      } finally {
        this.depth = 0;
      }
    }
  }

  private evaluateUncached(file: string, raw: Node): Value | null {
    const node = unwrap(raw, 'value');
    switch (node.type) {
      case T.Identifier:
        return this.evaluateIdentifier(file, node);
      case T.NewExpression: {
        const callee = this.evaluate(file, node.callee);
        if (callee?.kind === 'class') return this.newClient(file, callee, node.arguments[0]);
        // CommonJS: `const OpenAI = require('openai')` is the class itself (and carries .OpenAI/.default too).
        if (callee?.kind === 'sdk-namespace') return this.newClient(file, classOf(callee.module, 'default'), node.arguments[0]);
        if (callee?.kind === 'model-class') return this.modelInstance(file, callee.cls, node.arguments[0], node.arguments);
        if (callee?.kind === 'command') return { kind: 'command', name: callee.name, file, node };
        const built = frameworkValueOfNew(this, file, node, callee);
        if (built) return built;
        // A job queue (BullMQ, Bull): `new Queue('name')`; its workers are judged by who adds jobs.
        const first = node.arguments[0];
        if (node.callee.type === T.Identifier && node.callee.name === 'Queue' && first) {
          const names = this.possibleStrings(file, first);
          if (names && names.size > 0) return { kind: 'queue', names: [...names].sort() };
        }
        return null;
      }
      case T.CallExpression: {
        const required = requireSource(node);
        if (required !== null) return this.moduleValue(file, required);
        const piped = this.pipedModel(file, node);
        if (piped) return piped;
        const wrapped = this.wrappedClient(file, node);
        if (wrapped) return wrapped;
        const framework = frameworkValueOfCall(this, file, node);
        if (framework) return framework;
        // `await client.getOrCreateCollection(…).catch(report)`: what the promise gives when it succeeds.
        if (node.callee.type === T.MemberExpression && node.callee.object.type === T.CallExpression && /^(catch|finally)$/.test(propertyName(node.callee.property, node.callee.computed) ?? '')) {
          const settled = this.evaluate(file, node.callee.object);
          if (settled) return settled;
        }
        const callee = this.evaluate(file, node.callee);
        if (callee?.kind === 'client') return this.handle(file, callee, node);
        if (!callee && node.callee.type === T.MemberExpression && node.arguments.length === 1 && propertyName(node.callee.property, node.callee.computed) === 'get') return elementValue(this, file, node.callee.object, 'map-get');
        if (callee?.kind === 'function') return this.returnValue(callee.file, callee.node) ?? this.annotatedClient(callee.file, callee.node.returnType?.typeAnnotation, callee.node);
        if (callee?.kind === 'signature') return this.annotatedClient(callee.file, callee.returns, callee.anchor);
        if (callee?.kind === 'model-creator') return { kind: 'model-provider', provider: callee.provider };
        if (callee?.kind === 'model-provider') {
          const id = node.arguments[0] ? this.evaluate(file, node.arguments[0]) : null;
          const value = id?.kind === 'string' ? id.value : null;
          // The gateway names the provider in the id ('openai/gpt-4o').
          if (callee.provider === null && value !== null) return { kind: 'model', ...splitModelString(value) };
          return { kind: 'model', provider: callee.provider, id: value };
        }
        return null;
      }
      case T.ImportExpression:
        // `await import('./llm')` (the await is unwrapped above): the module's namespace.
        return node.source.type === T.Literal && typeof node.source.value === 'string' ? this.moduleValue(file, node.source.value) : null;
      case T.MemberExpression: {
        const prop = propertyName(node.property, node.computed);
        if (prop === null) return elementValue(this, file, node.object, 'index');
        if (node.object.type === T.ThisExpression) return this.evaluateThisMember(file, node, prop);
        if (isRequireMain(node)) return null;
        const object = this.evaluate(file, node.object);
        return object ? this.member(file, object, prop) : null;
      }
      case T.Literal:
        if (typeof node.value === 'boolean') return { kind: 'boolean', value: node.value };
        return typeof node.value === 'string' ? { kind: 'string', value: node.value } : null;
      case T.TemplateLiteral:
        return node.expressions.length === 0 ? { kind: 'string', value: node.quasis.map((q) => q.value.cooked ?? '').join('') } : null;
      case T.ObjectExpression:
        return { kind: 'object', file, node };
      case T.ConditionalExpression: {
        const yes = this.evaluate(file, node.consequent);
        const no = this.evaluate(file, node.alternate);
        if (yes?.kind === 'boolean' || no?.kind === 'boolean') return yes?.kind === 'boolean' && no?.kind === 'boolean' && yes.value === no.value ? yes : null;
        return yes ?? no;
      }
      case T.LogicalExpression: {
        const v = this.evaluate(file, node.left) ?? this.evaluate(file, node.right);
        return v?.kind === 'boolean' ? null : v;
      }
      case T.ArrowFunctionExpression:
      case T.FunctionExpression:
        return { kind: 'function', file, node };
      case T.AssignmentExpression:
        // `return (client ??= new OpenAI())`: the value is what is assigned, or what was there.
        if (node.operator === '=') return this.evaluate(file, node.right);
        if (node.operator === '??=' || node.operator === '||=') return this.evaluate(file, node.right) ?? this.evaluate(file, node.left);
        return null;
      default:
        return null;
    }
  }

  member(file: string, object: Value, prop: string): Value | null {
    switch (object.kind) {
      case 'client':
        return { ...object, path: [...object.path, prop] };
      case 'sdk-namespace':
        if (object.module.instanceExports?.includes(prop)) return clientOf(classOf(object.module, prop));
        if (object.module.dialect === 'bedrock' && BEDROCK_COMMANDS[prop]) return { kind: 'command', name: prop };
        return object.module.classExports.includes(prop) ? classOf(object.module, prop) : null;
      case 'module':
        return this.evaluateExport(object.file, prop);
      case 'wrapper-namespace': {
        const call = wrapperCallFor(object.source, prop);
        return call ? { kind: 'wrapper-fn', call } : null;
      }
      case 'model-namespace':
        return this.modelExport(object.module, prop);
      case 'model-class-namespace': {
        const cls = modelClassFor(object.source, prop);
        return cls ? { kind: 'model-class', cls } : null;
      }
      case 'model-provider':
        // `openai.chat('gpt-4o')`, `openai.embedding(…)`: called like the instance itself.
        return MODEL_METHODS.includes(prop) ? object : null;
      case 'model-instance':
      case 'model-class':
        return frameworkMember(object, prop);
      case 'user-class': {
        for (const el of object.node.body.body) {
          if (el.type === T.PropertyDefinition && el.static && propertyName(el.key, el.computed) === prop) {
            if (el.value) return this.evaluate(object.file, el.value);
            return this.annotatedClient(object.file, el.typeAnnotation?.typeAnnotation, el);
          }
        }
        return null;
      }
      case 'instance':
        return this.classMember(object.file, object.node.body, prop, 0);
      case 'typed': {
        for (const m of object.members) {
          if ((m.type !== T.TSPropertySignature && m.type !== T.TSMethodSignature) || propertyName(m.key, m.computed) !== prop) continue;
          if (m.type === T.TSMethodSignature) return { kind: 'signature', file: object.file, returns: m.returnType?.typeAnnotation, anchor: object.anchor };
          // `createClient: (apiKey: string) => Anthropic`: a function-typed property is a method by its signature.
          const declared = m.typeAnnotation?.typeAnnotation;
          if (declared?.type === T.TSFunctionType) return { kind: 'signature', file: object.file, returns: declared.returnType?.typeAnnotation, anchor: object.anchor };
          return this.annotatedClient(object.file, declared, object.anchor);
        }
        return null;
      }
      case 'object': {
        for (const p of object.node.properties) {
          if (p.type !== T.Property) continue;
          if (propertyName(p.key, p.computed) === prop) return this.evaluate(object.file, p.value);
        }
        return null;
      }
      default:
        return null;
    }
  }

  /** What a known package exports under `name` (or as a whole, for '*'), or undefined for any other package. */
  private packageExport(source: string, name: string): Value | null | undefined {
    // The OpenAI SDK's resource classes, as types (`getChat(): Promise<Chat>` from 'openai/resources/index'): a client's member.
    if (/^openai\/resources(\/|$)/.test(source)) {
      const path = OPENAI_RESOURCES[name];
      if (!path) return null;
      return { kind: 'client', provider: 'openai', dialect: 'openai', path: name === 'Completions' && /\/chat(\/|$)/.test(source) ? ['chat', 'completions'] : path };
    }
    const sdk = clientModuleFor(source);
    if (sdk) {
      if (name === '*') return { kind: 'sdk-namespace', module: sdk };
      if (sdk.instanceExports?.includes(name)) return clientOf(classOf(sdk, name));
      if (sdk.dialect === 'bedrock' && BEDROCK_COMMANDS[name]) return { kind: 'command', name };
      return sdk.classExports.includes(name) ? classOf(sdk, name) : null;
    }
    const framework = frameworkPackageExport(source, name);
    if (framework !== undefined) return framework;
    if (WRAPPER_SOURCES.includes(source)) {
      if (name === '*') return { kind: 'wrapper-namespace', source };
      const call = wrapperCallFor(source, name);
      if (call) return { kind: 'wrapper-fn', call };
      const agent = modelClassFor(source, name);
      return agent ? { kind: 'model-class', cls: agent } : null;
    }
    const models = modelProviderModuleFor(source);
    if (models) return name === '*' ? { kind: 'model-namespace', module: models } : this.modelExport(models, name);
    if (isModelClassSource(source) || isFrameworkImportSource(source)) {
      if (name === '*') return { kind: 'model-class-namespace', source };
      const cls = modelClassFor(source, name);
      return cls ? { kind: 'model-class', cls } : null;
    }
    return undefined;
  }

  /**
   * A LangChain pipeline around a model (`prompt.pipe(model)`, `model.pipe(parser)`, and chains of
   * those): invoking it calls the model once, so it stands for the model.
   */
  private pipedModel(file: string, node: TSESTree.CallExpression): Value | null {
    const callee = node.callee;
    if (callee.type !== T.MemberExpression || propertyName(callee.property, callee.computed) !== 'pipe' || node.arguments.length !== 1) return null;
    for (const side of [callee.object, node.arguments[0]]) {
      const v = this.evaluate(file, side);
      if (v?.kind === 'model-instance' && !v.cls.noOutput) return v;
    }
    return null;
  }

  /**
   * `new ChatOpenAI({ model: 'gpt-4o-mini', maxTokens: 200 })`: the model id (or the older `modelName`) and the output limit.
   * An agent (`new Agent({ model: openai('gpt-4o') })`) or a vector store (`new PineconeStore(embeddings, …)`)
   * takes its provider and model from the model it is given.
   */
  modelInstance(file: string, cls: ModelClass, arg: Node | undefined, args: readonly Node[] = []): Value {
    const options = arg ? this.evaluate(file, arg) : null;
    let id: string | null = null;
    let maxTokens: number | null = null;
    let provider = cls.provider;
    if (options?.kind === 'object') {
      for (const p of options.node.properties) {
        if (p.type !== T.Property) continue;
        const key = propertyName(p.key, p.computed);
        if (cls.modelOption && key === cls.modelOption) {
          const v = this.evaluate(options.file, p.value);
          if (v?.kind === 'model' || v?.kind === 'model-instance') [provider, id] = [v.provider, v.id];
          else if (v?.kind === 'string') {
            // A bare id ('gpt-4.1') is a model of the class's own provider, where it has one (an OpenAI agent).
            const split = splitModelString(v.value);
            [provider, id] = [split.provider ?? cls.provider, split.id];
          }
        } else if ((key === 'model' || key === 'modelName' || key === 'openai_model') && id === null) {
          const v = this.evaluate(options.file, p.value);
          if (v?.kind === 'string') id = v.value;
        } else if ((key === 'maxTokens' || key === 'maxOutputTokens') && p.value.type === T.Literal && typeof p.value.value === 'number') maxTokens = p.value.value;
      }
    }
    // A vector store built around its embeddings (`new MemoryVectorStore(embeddings)`).
    if (cls.provider === null && !cls.modelOption) {
      for (const a of args) {
        const v = this.evaluate(file, a);
        if (v?.kind === 'model-instance' && v.cls.noOutput) return { kind: 'model-instance', cls, id: v.id, maxTokens: null, provider: v.provider };
      }
    }
    return { kind: 'model-instance', cls, id, maxTokens, provider };
  }

  private modelExport(module: ModelProviderModule, name: string): Value | null {
    if (module.instances.includes(name)) return { kind: 'model-provider', provider: module.provider };
    if (module.creators.includes(name)) return { kind: 'model-creator', provider: module.provider };
    return null;
  }

  private moduleValue(file: string, source: string): Value | null {
    const known = this.packageExport(source, '*');
    if (known !== undefined) return known;
    const target = this.project.resolveImport(file, source);
    return target ? { kind: 'module', file: target } : null;
  }

  private evaluateIdentifier(file: string, node: TSESTree.Identifier, anchor: Node = node): Value | null {
    const fi = this.project.get(file);
    const binding = fi?.resolve(node, anchor);
    return fi && binding ? this.bindingValue(file, fi, binding) : null;
  }

  /** What a binding holds: its initialiser (and the keys to it), a declaration, an import, a typed parameter. */
  private bindingValue(file: string, fi: SyntaxModel, binding: Binding): Value | null {
    switch (binding.kind) {
      case 'var':
      case 'let':
      case 'const': {
        const declarator = binding.declarator;
        if (!declarator || binding.keys === null) return null;
        // A for…of loop's variable holds each item in turn: what the walked container's declared element type says.
        if (fi.isLoopVariable(binding)) {
          const loop = fi.parents.get(fi.parents.get(declarator)!)!;
          let item = loop.type === T.ForOfStatement ? loopItemValue(this, file, loop) : null;
          for (const key of binding.keys) item = item ? this.member(file, item, key) : null;
          return item;
        }
        let value = declarator.init ? this.evaluate(file, declarator.init) : null;
        for (const key of binding.keys) value = value ? this.member(file, value, key) : null;
        // A `let` flag may be reassigned before it is read.
        if (value?.kind === 'boolean' && binding.kind !== 'const') return null;
        if (value || binding.keys.length > 0) return value;
        // `let client: OpenAI;` or `let client = null`, assigned later (`client = new OpenAI()`, `client ??= …`).
        return this.declaredType(file, declarator) ?? this.assignedValue(file, fi, declarator);
      }
      case 'class':
        return binding.declaration?.type === T.ClassDeclaration ? { kind: 'user-class', file, node: binding.declaration } : null;
      case 'function':
        return binding.declaration?.type === T.FunctionDeclaration ? { kind: 'function', file, node: binding.declaration } : null;
      case 'import': {
        if (!binding.import) return null;
        const { source, imported } = binding.import;
        const known = this.packageExport(source, imported);
        if (known !== undefined) return known;
        const target = this.project.resolveImport(file, source);
        if (!target) return null;
        if (imported === '*') return { kind: 'module', file: target };
        return this.evaluateExport(target, imported);
      }
      case 'param':
        if (!binding.param || binding.keys === null) return null;
        if (binding.keys.length === 0) return this.evaluateTypedParameter(file, binding.param);
        return this.evaluateTypedProperty(file, binding.param, binding.keys) ?? this.trpcContextMember(file, fi, binding.param, binding.keys);
      default:
        return null;
    }
  }

  /** `let client: OpenAI;` / `let client: OpenAI | null = null`: the declared type names an SDK class. */
  private declaredType(file: string, declarator: Node): Value | null {
    if (declarator.type !== T.VariableDeclarator || declarator.id.type !== T.Identifier) return null;
    return this.annotatedClient(file, declarator.id.typeAnnotation?.typeAnnotation, declarator);
  }

  /** What a value of the declared type holds (for element types: see elements.ts). */
  annotatedClientOf(file: string, type: TSESTree.TypeNode, anchor: Node): Value | null {
    return this.annotatedClient(file, type, anchor);
  }

  /** A client type in an annotation, also inside a union with null or undefined. */
  private annotatedClient(file: string, type: TSESTree.TypeNode | undefined, anchor: Node): Value | null {
    if (!type) return null;
    if (type.type === T.TSUnionType) {
      for (const t of type.types) {
        const v = this.annotatedClient(file, t, anchor);
        if (v) return v;
      }
      return null;
    }
    if (type.type === T.TSTypeLiteral) return { kind: 'typed', file, members: type.members, anchor };
    // `client: typeof openai`: the type of a value, so that value.
    if (type.type === T.TSTypeQuery) return this.typeofValue(file, type, 'value');
    if (type.type !== T.TSTypeReference) return null;
    // `Promise<Embeddings>`: what an async method's declared type resolves to.
    const args = type.typeArguments?.params;
    if (type.typeName.type === T.Identifier && /^(Promise|PromiseLike|Awaited)$/.test(type.typeName.name) && args?.length === 1) return this.annotatedClient(file, args[0], anchor);
    // `client: ReturnType<typeof createClient>` (what the factory returns), `InstanceType<typeof OpenAI>`.
    if (type.typeName.type === T.Identifier && (type.typeName.name === 'ReturnType' || type.typeName.name === 'InstanceType') && args?.length === 1 && args[0].type === T.TSTypeQuery) {
      return this.typeofValue(file, args[0], type.typeName.name === 'ReturnType' ? 'returned' : 'instance');
    }
    const cls = this.evaluateTypeName(file, type.typeName, anchor) ?? this.declaredObjectType(file, type.typeName, anchor);
    if (cls?.kind === 'class') return clientOf(cls);
    if (cls?.kind === 'user-class') return { kind: 'instance', file: cls.file, node: cls.node };
    if (cls?.kind === 'client' || cls?.kind === 'typed') return cls;
    return typedModel(cls);
  }

  /**
   * `typeof x` in a type: the value `x` itself ('value'), what the function `x` returns ('returned',
   * `ReturnType<typeof x>`), or an instance of the class `x` ('instance', `InstanceType<typeof x>`).
   * Only a client, a workspace instance or an object type is taken: `typeof OpenAI` alone is the class, not a client.
   */
  private typeofValue(file: string, query: TSESTree.TSTypeQuery, as: 'value' | 'returned' | 'instance'): Value | null {
    if (query.exprName.type !== T.Identifier) return null;
    const named = this.evaluate(file, query.exprName);
    let value: Value | null = null;
    if (as === 'value') value = named;
    else if (as === 'returned' && named?.kind === 'function') value = this.returnValue(named.file, named.node) ?? this.annotatedClient(named.file, named.node.returnType?.typeAnnotation, named.node);
    else if (as === 'instance' && named?.kind === 'class') value = clientOf(named);
    else if (as === 'instance' && named?.kind === 'user-class') value = { kind: 'instance', file: named.file, node: named.node };
    if (value?.kind === 'client' || value?.kind === 'instance' || value?.kind === 'typed' || value?.kind === 'model-instance') return value;
    return as === 'instance' ? typedModel(named) : null;
  }

  /** A type alias or interface of the workspace by name (declared in the file or imported from another): its members. */
  private declaredObjectType(file: string, name: TSESTree.EntityName, anchor: Node): Value | null {
    const found = name.type === T.Identifier ? this.typeDeclaration(file, name, anchor) : null;
    return found ? (objectTypeValue(found.file, found.decl) ?? this.typeOperatorAlias(found.file, found.decl)) : null;
  }

  /** The type alias or interface a name refers to: declared at the top of this module, or imported from another. */
  private typeDeclaration(file: string, name: TSESTree.Identifier, anchor: Node): { file: string; decl: TSESTree.TSTypeAliasDeclaration | TSESTree.TSInterfaceDeclaration } | null {
    const fi = this.project.get(file);
    if (!fi) return null;
    const local = topLevelType(fi, name.name);
    if (local) return { file, decl: local };
    const imported = fi.resolve(name, anchor)?.import;
    if (!imported || imported.imported === '*' || imported.imported === 'default') return null;
    const target = this.project.resolveImport(file, imported.source);
    const model = target ? this.project.get(target) : undefined;
    const decl = model ? topLevelType(model, imported.imported) : undefined;
    return decl && target ? { file: target, decl } : null;
  }

  /** Type aliases being read through (typeOperatorAlias), so that `type A = B; type B = A` ends. */
  private readonly aliasesRead = new Set<Node>();

  /**
   * `type Client = ReturnType<typeof createClient>` (or `InstanceType<…>`, `typeof client`): the alias read
   * as its operator; `type OpenAIClient = OpenAI` (another name for a type, a union with null among
   * them): the type it names.
   */
  private typeOperatorAlias(file: string, decl: TSESTree.TSTypeAliasDeclaration | TSESTree.TSInterfaceDeclaration): Value | null {
    if (decl.type !== T.TSTypeAliasDeclaration || decl.typeParameters || this.aliasesRead.has(decl)) return null;
    const t = decl.typeAnnotation;
    if (t.type !== T.TSTypeQuery && t.type !== T.TSTypeReference && t.type !== T.TSUnionType) return null;
    this.aliasesRead.add(decl);
    try {
      return this.annotatedClient(file, t, decl);
    } finally {
      this.aliasesRead.delete(decl);
    }
  }

  private readonly assignments = new Map<Node, Value | null>();

  /** What a variable declared without a value is assigned later in its file (the first assignment that resolves). */
  private assignedValue(file: string, fi: SyntaxModel, declarator: Node): Value | null {
    if (this.assignments.has(declarator)) return this.assignments.get(declarator)!;
    if (declarator.type !== T.VariableDeclarator || declarator.id.type !== T.Identifier) return null;
    this.assignments.set(declarator, null);
    // The binding's write references (scope analysis, once per file), not a walk of the file per variable:
    // a file of thousands of `let x; x = y;` pairs was quadratic.
    const binding = fi.resolve(declarator.id);
    const rights: Node[] = [];
    for (const ref of binding ? fi.referencesOf(binding) : []) {
      const parent = fi.parents.get(ref);
      if (parent?.type === T.AssignmentExpression && parent.left === ref && binding!.declarator === declarator) rights.push(parent.right);
    }
    let value: Value | null = null;
    try {
      for (const right of rights) {
        value = this.evaluate(file, right);
        if (value) break;
      }
    } catch (err) {
      // Put off (a chain too long to follow in one go) or failed: the placeholder must not stand for the answer.
      this.assignments.delete(declarator);
      throw err;
    }
    this.assignments.set(declarator, value);
    return value;
  }

  /** `client: OpenAI` or `private readonly claude: Anthropic` — the annotation names the SDK class. */
  private evaluateTypedParameter(file: string, param: Node): Value | null {
    const inner = param.type === T.TSParameterProperty ? param.parameter : param;
    const id = inner.type === T.AssignmentPattern ? inner.left : inner;
    if (id.type !== T.Identifier) return null;
    if (inner.type === T.AssignmentPattern) {
      const fromDefault = this.evaluate(file, inner.right);
      if (fromDefault) return fromDefault;
    }
    const typeName = id.typeAnnotation?.typeAnnotation;
    if (typeName?.type !== T.TSTypeReference && typeName?.type !== T.TSUnionType && typeName?.type !== T.TSTypeQuery) return this.thenParameter(file, param);
    return this.annotatedClient(file, typeName, param);
  }

  /** `makeClient().then((openai) => …)`: the first parameter of a `.then` callback is what the promise resolves to. */
  private thenParameter(file: string, param: Node): Value | null {
    const fi = this.project.get(file);
    const fn = fi?.parents.get(param);
    if (!fi || !fn || !isFunctionLike(fn) || fn.params[0] !== param) return null;
    const call = fi.parents.get(fn);
    if (call?.type !== T.CallExpression || call.arguments[0] !== fn || call.callee.type !== T.MemberExpression) return null;
    if (propertyName(call.callee.property, call.callee.computed) !== 'then') return null;
    const value = this.evaluate(file, call.callee.object);
    return value?.kind === 'client' ? value : null;
  }

  /**
   * `function f({ openai }: { openai: OpenAI })` or `({ openai }: Deps)` with `type Deps = { openai: OpenAI }`
   * (or an interface) in the same file: the declared type of the destructured property names the SDK class.
   */
  private evaluateTypedProperty(file: string, param: Node, path: string[]): Value | null {
    const fi = this.project.get(file);
    const inner = param.type === T.TSParameterProperty ? param.parameter : param;
    const pattern = inner.type === T.AssignmentPattern ? inner.left : inner;
    if (!fi || pattern.type !== T.ObjectPattern || path.length !== 1) return null;
    const members = typeMembers(fi, pattern.typeAnnotation?.typeAnnotation);
    for (const m of members ?? []) {
      if (m.type !== T.TSPropertySignature || propertyName(m.key, m.computed) !== path[0]) continue;
      return this.annotatedClient(file, m.typeAnnotation?.typeAnnotation, param);
    }
    return null;
  }

  /** `({ ctx }) => …` handed to a tRPC procedure's `.query`/`.mutation`: what the declared context holds under the keys. */
  private trpcContextMember(file: string, fi: SyntaxModel, param: Node, path: string[]): Value | null {
    if (path[0] !== 'ctx') return null;
    const declared = trpcContextType(fi, this.modules, param);
    if (!declared) return null;
    let value = this.contextTypeValue(declared.file, declared.type, declared.anchor, 0);
    for (const key of path.slice(1)) value = value ? this.member(file, value, key) : null;
    return value;
  }

  /**
   * What a context type says its value is: the object the context factory returns for `typeof
   * createContext` (tRPC takes a function's type for what it returns), `ReturnType<typeof createContext>`,
   * `Awaited<…>` or `inferAsyncReturnType<…>` of it, through aliases of the workspace; else the declared type.
   */
  private contextTypeValue(file: string, type: TSESTree.TypeNode, anchor: Node, hops: number): Value | null {
    if (hops > 4) return null;
    const returned = (query: TSESTree.TypeNode | undefined): Value | null => {
      if (query?.type !== T.TSTypeQuery || query.exprName.type !== T.Identifier) return null;
      const fn = this.evaluate(file, query.exprName);
      return fn?.kind === 'function' ? this.returnValue(fn.file, fn.node) : null;
    };
    if (type.type === T.TSTypeQuery) return returned(type);
    if (type.type === T.TSTypeReference && type.typeName.type === T.Identifier) {
      const [arg] = type.typeArguments?.params ?? [];
      const name = type.typeName.name;
      if ((name === 'Awaited' || name === 'Promise') && arg) return this.contextTypeValue(file, arg, anchor, hops + 1);
      if (name === 'ReturnType' || name === 'inferAsyncReturnType') return returned(arg);
      // An alias of this module, or one imported from another (`import type { Context } from './context'`).
      const alias = this.typeDeclaration(file, type.typeName, anchor);
      if (alias?.decl.type === T.TSTypeAliasDeclaration && !alias.decl.typeParameters) return this.contextTypeValue(alias.file, alias.decl.typeAnnotation, alias.decl, hops + 1);
    }
    return this.annotatedClient(file, type, anchor);
  }

  /** Type annotations are not in the parent index; `anchor` is the annotated node, which is. */
  private evaluateTypeName(file: string, name: TSESTree.EntityName, anchor: Node): Value | null {
    if (name.type === T.Identifier) return this.evaluateIdentifier(file, name, anchor);
    if (name.type === T.TSQualifiedName) {
      const left = this.evaluateTypeName(file, name.left, anchor);
      return left ? this.member(file, left, name.right.name) : null;
    }
    return null;
  }

  private evaluateThisMember(file: string, node: TSESTree.MemberExpression, prop: string): Value | null {
    const fi = this.project.get(file);
    if (!fi) return null;
    const body = fi.classBodyOf(node);
    return body ? this.classMember(file, body, prop, 0) : null;
  }

  /** What a class's member holds: a field, a constructor's parameter property, an assignment in a method, a method; else the base class's. */
  private classMember(file: string, body: TSESTree.ClassBody, prop: string, hops: number): Value | null {
    // The declared type is the last resort: an assignment says more (`getGenerativeModel({ model })`).
    let declared: Value | null = null;
    let method: Value | null = null;
    for (const el of body.body) {
      if (el.type === T.PropertyDefinition && propertyName(el.key, el.computed) === prop) {
        const initial = el.value ? this.evaluate(file, el.value) : null;
        if (initial) return initial;
        declared = this.annotatedClient(file, el.typeAnnotation?.typeAnnotation, el);
      }
      if (el.type === T.MethodDefinition && el.kind === 'constructor') {
        for (const param of el.value.params) {
          if (param.type === T.TSParameterProperty && parameterPropertyName(param) === prop) {
            return this.evaluateTypedParameter(file, param);
          }
        }
        const assigned = el.value.body ? findThisAssignment(el.value.body, prop) : null;
        const value = assigned ? this.evaluate(file, assigned) : null;
        if (value) return value;
      }
      // `this.prepareChain()`, `this.createModel()`: what the method returns, or (abstract) its declared type.
      if ((el.type === T.MethodDefinition || el.type === T.TSAbstractMethodDefinition) && el.kind === 'method' && !el.static && propertyName(el.key, el.computed) === prop) {
        method = el.value.type === T.FunctionExpression ? { kind: 'function', file, node: el.value } : { kind: 'signature', file, returns: el.value.returnType?.typeAnnotation, anchor: el };
      }
      // A getter (`get client() { return (this._client ??= new OpenAI()); }`) is read, not called.
      if (el.type === T.MethodDefinition && el.kind === 'get' && !el.static && propertyName(el.key, el.computed) === prop) {
        const got = (el.value.type === T.FunctionExpression ? this.returnValue(file, el.value) : null) ?? this.annotatedClient(file, el.value.returnType?.typeAnnotation, el);
        if (got) return got;
      }
    }
    if (method) return method;
    // `this.client = new OpenAI(…)` in an init method (`init()`, a lazy getter): the first assignment that is a client.
    for (const right of thisAssignmentsIn(body, prop)) {
      const v = this.evaluate(file, right);
      if (v?.kind === 'client' || v?.kind === 'model-instance') return v;
    }
    if (declared) return declared;
    // A member the class inherits (`class Chat extends ApproachBase`, the base declaring `protected openai: OpenAiService`),
    // from a base class of the same package: one of another package (a framework's `Plugin`) would have its whole
    // package parsed through its barrels, for a member the app's own code rarely holds an SDK client in.
    const fi = this.project.get(file);
    const cls = fi?.parents.get(body);
    if (hops < 4 && fi && cls && (cls.type === T.ClassDeclaration || cls.type === T.ClassExpression) && cls.superClass?.type === T.Identifier && samePackageName(fi, cls.superClass)) {
      const base = this.evaluate(file, cls.superClass);
      if (base?.kind === 'user-class') return this.classMember(base.file, base.node.body, prop, hops + 1);
    }
    return null;
  }

  /**
   * `new OpenAI({ baseURL: 'https://api.groq.com/openai/v1' })`: the provider is the one the base URL
   * or the key's environment variable names (`GROQ_API_KEY`), read from the code only; a base URL
   * written in code that names no known host is another OpenAI-compatible server. A base URL that
   * cannot be read (from the environment) is taken as the SDK's own provider.
   */
  private newClient(file: string, cls: Extract<Value, { kind: 'class' }>, options: Node | undefined): Value {
    if (!cls.followsBaseUrl || !options) return clientOf(cls);
    const obj = this.evaluate(file, options);
    if (obj?.kind !== 'object') return clientOf(cls);
    let fromKey: Provider | null = null;
    for (const p of obj.node.properties) {
      if (p.type !== T.Property) continue;
      const key = propertyName(p.key, p.computed);
      if (key === 'baseURL' || key === 'baseUrl' || key === 'basePath' || key === 'endpoint') {
        const url = this.urlText(obj.file, p.shorthand ? p.key : p.value);
        if (url) {
          const provider = url.text ? providerFromUrl(url.text) : null;
          const named = provider ?? url.envVars.map(providerFromEnvVar).find((x) => x) ?? null;
          if (named) return clientOf({ ...cls, provider: named });
          if (url.text && /^(https?:)?\/\/[^/…]+/.test(url.text)) return clientOf({ ...cls, provider: 'other-openai-compatible' });
        }
      } else if (key === 'apiKey') {
        const url = this.urlText(obj.file, p.shorthand ? p.key : p.value);
        fromKey = url?.envVars.map(providerFromEnvVar).find((x) => x) ?? null;
      }
    }
    return clientOf(fromKey ? { ...cls, provider: fromKey } : cls);
  }

  /** `genAI.getGenerativeModel({ model })`, `model.startChat()`, `ai.chats.create({ model })`: a handle to call on, with its model. */
  private handle(file: string, callee: Extract<Value, { kind: 'client' }>, node: TSESTree.CallExpression): Value | null {
    const h = HANDLE_CALLS.find((c) => c.dialect === callee.dialect && c.chain.length === callee.path.length && c.chain.every((x, i) => x === callee.path[i]));
    if (!h) return null;
    let model = callee.model ?? null;
    const arg = node.arguments[0];
    if (h.modelProp && arg) {
      const opts = this.evaluate(file, arg);
      if (opts?.kind === 'object') {
        const prop = opts.node.properties.find((p): p is TSESTree.Property => p.type === T.Property && propertyName(p.key, p.computed) === h.modelProp);
        const v = prop ? this.evaluate(opts.file, prop.value) : null;
        model = v?.kind === 'string' ? v.value : null;
      }
    }
    return { ...callee, path: h.becomes, model };
  }

  /** `wrapOpenAI(new OpenAI())`, `observeOpenAI(client, …)`, `Instructor({ client })`: the client inside a tracing or structured-output wrapper. */
  private wrappedClient(file: string, node: TSESTree.CallExpression): Value | null {
    const callee = node.callee;
    const name = callee.type === T.Identifier ? callee.name : callee.type === T.MemberExpression ? propertyName(callee.property, callee.computed) : null;
    if (!name || !CLIENT_WRAPPER_FUNCTIONS.has(name) || !node.arguments[0]) return null;
    const inner = this.evaluate(file, node.arguments[0]);
    if (inner?.kind === 'client') return inner;
    if (inner?.kind === 'object') return this.member(inner.file, inner, 'client');
    return null;
  }

  /**
   * A URL as far as it can be read: literal text, template parts and concatenations (holes as '…'),
   * constants followed across files, and the names of the environment variables it reads.
   */
  /**
   * A parameter of a function of this file that nothing outside it can call (`const httpsPost = (hostname,
   * path, …) => https.request({ hostname, path, … })`): the URL part every call in the file passes there,
   * when they all pass the same one. A function that is exported, or used other than by calling it, may
   * be given anything.
   */
  private parameterUrl(fi: SyntaxModel, file: string, param: Binding, depth: number): { text: string; envVars: string[] } | null {
    if (param.paramIndex === undefined || param.keys?.length !== 0 || !param.owner || param.param?.type !== T.Identifier) return null;
    const holder = fi.parents.get(param.owner);
    const nameId = param.owner.type === T.FunctionDeclaration ? param.owner.id : holder?.type === T.VariableDeclarator && holder.init === param.owner && holder.id.type === T.Identifier ? holder.id : null;
    const fn = nameId ? fi.bindingOf(nameId) : undefined;
    if (!fn || fn.exported || (fn.kind !== 'function' && fn.kind !== 'const')) return null;
    let agreed: { text: string; envVars: string[] } | null = null;
    for (const ref of fi.referencesOf(fn)) {
      const call = fi.parents.get(ref);
      if (call?.type !== T.CallExpression || call.callee !== ref) return null;
      const arg = call.arguments[param.paramIndex];
      const part = arg && arg.type !== T.SpreadElement ? this.urlText(file, arg, depth + 1) : null;
      if (!part || (agreed && agreed.text !== part.text)) return null;
      agreed ??= part;
    }
    return agreed;
  }

  urlText(file: string, raw: Node, depth = 0): { text: string; envVars: string[] } | null {
    if (depth > 6) return null;
    const node = unwrap(raw, 'value');
    const env = envVarName(node);
    if (env) return { text: '…', envVars: [env] };
    switch (node.type) {
      case T.Literal:
        return typeof node.value === 'string' ? { text: node.value, envVars: [] } : null;
      case T.TemplateLiteral: {
        let text = '';
        const envVars: string[] = [];
        node.quasis.forEach((q, i) => {
          text += q.value.cooked ?? '';
          const e = node.expressions[i];
          if (!e) return;
          const part = this.urlText(file, e, depth + 1);
          text += part?.text ?? '…';
          envVars.push(...(part?.envVars ?? []));
        });
        return { text, envVars };
      }
      case T.BinaryExpression: {
        if (node.operator !== '+') return null;
        const l = this.urlText(file, node.left, depth + 1);
        const r = this.urlText(file, node.right, depth + 1);
        return { text: (l?.text ?? '…') + (r?.text ?? '…'), envVars: [...(l?.envVars ?? []), ...(r?.envVars ?? [])] };
      }
      case T.LogicalExpression: {
        // `process.env.GROQ_BASE_URL ?? 'https://api.groq.com/openai/v1'`: the written default names the host.
        const l = this.urlText(file, node.left, depth + 1);
        const r = this.urlText(file, node.right, depth + 1);
        const known = [l, r].find((x) => x && x.text !== '…' && !x.text.startsWith('…'));
        return { text: known?.text ?? l?.text ?? r?.text ?? '…', envVars: [...(l?.envVars ?? []), ...(r?.envVars ?? [])] };
      }
      case T.ConditionalExpression: {
        const yes = this.urlText(file, node.consequent, depth + 1);
        const no = this.urlText(file, node.alternate, depth + 1);
        return yes ?? no;
      }
      case T.NewExpression:
        // `new URL('/v1/chat/completions', base)`: the path and the base.
        if (node.callee.type === T.Identifier && node.callee.name === 'URL' && node.arguments[0]) {
          const path = this.urlText(file, node.arguments[0], depth + 1);
          const base = node.arguments[1] ? this.urlText(file, node.arguments[1], depth + 1) : null;
          return { text: (base?.text ?? '') + (path?.text ?? '…'), envVars: [...(base?.envVars ?? []), ...(path?.envVars ?? [])] };
        }
        return null;
      case T.Identifier: {
        const v = this.evaluate(file, node);
        if (v?.kind === 'string') return { text: v.value, envVars: [] };
        const fi = this.project.get(file);
        const binding = fi?.resolve(node);
        const init = binding && (binding.kind === 'const' || binding.kind === 'let' || binding.kind === 'var') && binding.keys?.length === 0 ? (binding.declarator as TSESTree.VariableDeclarator | undefined)?.init : null;
        if (init) return this.urlText(file, init, depth + 1);
        return binding?.kind === 'param' && fi ? this.parameterUrl(fi, file, binding, depth) : null;
      }
      case T.MemberExpression: {
        const v = this.evaluate(file, node);
        return v?.kind === 'string' ? { text: v.value, envVars: [] } : null;
      }
      default:
        return null;
    }
  }

  returnValue(file: string, fn: FunctionLike): Value | null {
    if (fn.body && fn.body.type !== T.BlockStatement) return this.evaluate(file, fn.body);
    const returns: TSESTree.Expression[] = [];
    if (fn.body) {
      visit(fn.body, (n) => {
        if (isFunctionLike(n)) return false;
        if (n.type === T.ReturnStatement && n.argument) returns.push(n.argument);
      });
    }
    for (const r of returns) {
      const v = this.evaluate(file, r);
      if (v) return v;
    }
    return null;
  }

  /** The value a module exports under `name` ('default' for the default export). */
  evaluateExport(file: string, name: string): Value | null {
    const key = `${file}#${name}`;
    if (this.exportMemo.has(key)) return this.exportMemo.get(key)!;
    const model = this.project.get(file);
    if (!model || this.inProgress.has(key)) return null;
    return this.nested(
      () => this.evaluateExport(file, name),
      () => {
        this.inProgress.add(key);
        let value: Value | null;
        try {
          value = this.exportValue(model, name);
        } finally {
          this.inProgress.delete(key);
        }
        this.exportMemo.set(key, value);
        return value;
      },
    );
  }

  private exportValue(model: SyntaxModel, name: string): Value | null {
    const target = resolveExport(this.modules, model, name, (source, imported) => !!this.packageExport(source, imported));
    switch (target?.kind) {
      case 'binding':
        return target.binding ? this.bindingValue(target.model.file, target.model, target.binding) : null;
      case 'value': {
        const { value, model: at } = target;
        const whole = value.type === T.FunctionDeclaration ? { kind: 'function' as const, file: at.file, node: value } : value.type === T.ClassDeclaration ? { kind: 'user-class' as const, file: at.file, node: value } : this.evaluate(at.file, value);
        return target.member === undefined || !whole ? whole : this.member(at.file, whole, target.member);
      }
      case 'namespace':
        return { kind: 'module', file: target.model.file };
      case 'external':
        return this.packageExport(target.source, target.imported) ?? null;
      default:
        return null;
    }
  }

  /** The project's `mayExport`, memoised by target module and name: barrels are read often. */
  private readonly mayHold = (fromFile: string, specifier: string, name: string): boolean => {
    const target = this.project.resolveImport(fromFile, specifier);
    if (target === null) return true;
    const key = `${target}#${name}`;
    let known = this.holdMemo.get(key);
    if (known === undefined) this.holdMemo.set(key, (known = this.project.mayExport(fromFile, specifier, name)));
    return known;
  };
  private readonly holdMemo = new Map<string, boolean>();

  /** Project modules by specifier; the SDK packages of the catalogue are never project files. */
  private readonly modules: ModuleLookup = Object.assign(
    (fromFile: string, specifier: string) => (this.packageExport(specifier, '*') !== undefined ? undefined : this.project.module(fromFile, specifier)),
    { mayExport: this.mayHold },
  );
}

/** The members of an object type: a literal, or a type alias or interface declared at the top of the file. */
function typeMembers(fi: SyntaxModel, type: TSESTree.TypeNode | undefined, hops = 0): readonly TSESTree.TypeElement[] | null {
  if (!type || hops > 3) return null;
  if (type.type === T.TSTypeLiteral) return type.members;
  // `Options & { client: OpenAI }`: the members of every part this file declares (an imported part adds none).
  if (type.type === T.TSIntersectionType) {
    const parts = type.types.map((t) => typeMembers(fi, t, hops + 1)).filter((m): m is readonly TSESTree.TypeElement[] => m !== null);
    return parts.length > 0 ? parts.flat() : null;
  }
  if (type.type !== T.TSTypeReference || type.typeName.type !== T.Identifier) return null;
  const name = type.typeName.name;
  for (const raw of fi.ast.body) {
    const stmt = raw.type === T.ExportNamedDeclaration && raw.declaration ? raw.declaration : raw;
    if (stmt.type === T.TSTypeAliasDeclaration && stmt.id.name === name) return typeMembers(fi, stmt.typeAnnotation, hops + 1);
    if (stmt.type === T.TSInterfaceDeclaration && stmt.id.name === name) return stmt.body.body;
  }
  return null;
}

/** The resource classes of the OpenAI SDK (under 'openai/resources…') and where each sits on a client. */
const OPENAI_RESOURCES: Record<string, string[]> = {
  Chat: ['chat'],
  Completions: ['completions'],
  Embeddings: ['embeddings'],
  Responses: ['responses'],
  Moderations: ['moderations'],
  Images: ['images'],
  Audio: ['audio'],
  Transcriptions: ['audio', 'transcriptions'],
  Beta: ['beta'],
};

/** Is the name declared in the file, or imported from a relative path? */
function samePackageName(fi: SyntaxModel, id: TSESTree.Identifier): boolean {
  const binding = fi.resolve(id);
  if (!binding) return false;
  return binding.kind !== 'import' || (binding.import?.source.startsWith('.') ?? false);
}

/** A type alias or interface declared at the top of a file (exported or not). */
function topLevelType(fi: SyntaxModel, name: string): TSESTree.TSTypeAliasDeclaration | TSESTree.TSInterfaceDeclaration | undefined {
  for (const raw of fi.ast.body) {
    const stmt = raw.type === T.ExportNamedDeclaration && raw.declaration ? raw.declaration : raw;
    if ((stmt.type === T.TSTypeAliasDeclaration || stmt.type === T.TSInterfaceDeclaration) && stmt.id.name === name) return stmt;
  }
  return undefined;
}

function objectTypeValue(file: string, decl: TSESTree.TSTypeAliasDeclaration | TSESTree.TSInterfaceDeclaration): Value | null {
  if (decl.type === T.TSInterfaceDeclaration) return { kind: 'typed', file, members: decl.body.body, anchor: decl };
  return decl.typeAnnotation.type === T.TSTypeLiteral ? { kind: 'typed', file, members: decl.typeAnnotation.members, anchor: decl } : null;
}

/** The class value of an SDK module's export (`AzureOpenAI` is Azure's client). */
function classOf(module: ClientModule, name: string): Extract<Value, { kind: 'class' }> {
  return { kind: 'class', provider: module.classProviders?.[name] ?? module.provider, dialect: module.dialect, followsBaseUrl: module.followsBaseUrl && !module.classProviders?.[name] };
}

function clientOf(cls: { provider: Provider; dialect: Dialect }): Extract<Value, { kind: 'client' }> {
  return { kind: 'client', provider: cls.provider, dialect: cls.dialect, path: [] };
}

/** `process.env.GROQ_API_KEY`, `process.env['GROQ_API_KEY']`, `import.meta.env.VITE_GROQ_KEY`, `Deno.env.get('X')`: the variable's name. */
function envVarName(node: Node): string | null {
  if (node.type === T.MemberExpression) {
    const obj = node.object;
    const isEnv =
      obj.type === T.MemberExpression &&
      propertyName(obj.property, obj.computed) === 'env' &&
      ((obj.object.type === T.Identifier && obj.object.name === 'process') || obj.object.type === T.MetaProperty);
    return isEnv ? propertyName(node.property, node.computed) : null;
  }
  if (node.type === T.CallExpression && node.callee.type === T.MemberExpression && propertyName(node.callee.property, node.callee.computed) === 'get') {
    const o = node.callee.object;
    const arg = node.arguments[0];
    if (o.type === T.MemberExpression && propertyName(o.property, o.computed) === 'env' && arg?.type === T.Literal && typeof arg.value === 'string') return arg.value;
  }
  return null;
}


/** A value declared with a framework type (`model: BaseChatModel`, `store: VectorStore`): an instance whose model is not known. */
function typedModel(cls: Value | null): Value | null {
  return cls?.kind === 'model-class' ? { kind: 'model-instance', cls: cls.cls, id: null, maxTokens: null, provider: cls.cls.provider } : null;
}


function isRequireMain(node: TSESTree.MemberExpression): boolean {
  return node.object.type === T.Identifier && node.object.name === 'require' && propertyName(node.property, node.computed) === 'main';
}

/** Every `this.<prop> = value` in a class body's methods (not in nested classes). */
function thisAssignmentsIn(body: TSESTree.ClassBody, prop: string): TSESTree.Expression[] {
  const out: TSESTree.Expression[] = [];
  visit(body, (n) => {
    if (n !== body && (n.type === T.ClassBody)) return false;
    if (n.type === T.AssignmentExpression && n.left.type === T.MemberExpression && n.left.object.type === T.ThisExpression && propertyName(n.left.property, n.left.computed) === prop) out.push(n.right);
  });
  return out;
}

function findThisAssignment(body: TSESTree.BlockStatement, prop: string): TSESTree.Expression | null {
  for (const stmt of body.body) {
    if (stmt.type !== T.ExpressionStatement || stmt.expression.type !== T.AssignmentExpression) continue;
    const left = stmt.expression.left;
    if (left.type === T.MemberExpression && left.object.type === T.ThisExpression && propertyName(left.property, left.computed) === prop) {
      return stmt.expression.right;
    }
  }
  return null;
}

export { CLIENT_MODULES };
