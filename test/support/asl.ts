/**
 * A small interpreter of Amazon States Language, for the states the penalty workflow uses: Choice
 * (IsPresent, StringEquals), Task (a Lambda by ARN, `lambda:invoke`, `lambda:invoke.waitForTaskToken`)
 * with Retry and Catch, Pass with Parameters, Succeed and Fail; JSONPath Parameters (`.$` keys, `$`,
 * `$.a.b`, `$$.Task.Token`, `$$.State.EnteredTime`, `$$.Execution.Name`), ResultPath, OutputPath.
 * Executions are named and, like Step Functions, a second StartExecution with the same name is
 * refused. A state it does not know fails the run, so the test cannot pass by skipping a state.
 *
 * It also answers StartExecution / SendTaskSuccess / SendTaskFailure as an SFNClient would, so the
 * real Step Functions adapter can drive it.
 */

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
}

interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Resource?: string;
  Parameters?: unknown;
  ResultPath?: string | null;
  OutputPath?: string;
  InputPath?: string;
  Choices?: { Variable: string; IsPresent?: boolean; StringEquals?: string; Next: string }[];
  Default?: string;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string | null }[];
  TimeoutSeconds?: number;
  Error?: string;
  Cause?: string;
}

export type Invoke = (functionArn: string, payload: unknown) => Promise<unknown>;

export interface ExecutionRecord {
  name: string;
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  /** States entered, in order (for assertions on the path taken). */
  path: string[];
  output?: unknown;
  error?: { Error: string; Cause: string };
}

interface Waiting {
  execution: ExecutionRecord;
  state: string;
  input: unknown;
}

class StatesError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** CloudFormation's rendering of the definition (Fn::Join of strings and references) as ASL. */
export function definitionFromTemplate(definitionString: unknown, refs: (ref: Record<string, unknown>) => string): AslDefinition {
  const render = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join !== undefined) return join[1].map(render).join(join[0]);
    return refs(value as Record<string, unknown>);
  };
  return JSON.parse(render(definitionString)) as AslDefinition;
}

export class AslInterpreter {
  readonly executions = new Map<string, ExecutionRecord>();
  private readonly waiting = new Map<string, Waiting>();
  private tokens = 0;

  constructor(
    private readonly definition: AslDefinition,
    private readonly invoke: Invoke,
    /** Event time for `$$.State.EnteredTime`: the interpreter has no clock of its own. */
    private readonly now: () => string,
  ) {}

  /** The SFNClient surface the Step Functions adapter uses. */
  readonly client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> => {
      const input = command.input;
      switch (command.constructor.name) {
        case 'StartExecutionCommand':
          await this.startExecution(input.name as string, input.input as string);
          return { executionArn: `arn:aws:states:local:0:execution:penalty:${String(input.name)}` };
        case 'SendTaskSuccessCommand':
          await this.sendTaskSuccess(input.taskToken as string, input.output as string);
          return {};
        default:
          throw new Error(`the interpreter does not implement ${command.constructor.name}`);
      }
    },
  };

  async startExecution(name: string, input: string): Promise<ExecutionRecord> {
    const existing = this.executions.get(name);
    if (existing !== undefined) {
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new StatesError('ExecutionAlreadyExists', `Execution Already Exists: ${name}`);
    }
    const execution: ExecutionRecord = { name, input, status: 'RUNNING', path: [] };
    this.executions.set(name, execution);
    await this.run(execution, this.definition.StartAt, JSON.parse(input));
    return execution;
  }

  async sendTaskSuccess(taskToken: string, output: string): Promise<void> {
    const waiting = this.take(taskToken);
    const state = this.definition.States[waiting.state]!;
    await this.continueAfter(waiting.execution, waiting.state, state, waiting.input, JSON.parse(output));
  }

  /** What Step Functions does when the task's TimeoutSeconds pass. */
  async timeOut(taskToken: string): Promise<void> {
    const waiting = this.take(taskToken);
    const state = this.definition.States[waiting.state]!;
    await this.fail(waiting.execution, waiting.state, state, waiting.input, new StatesError('States.Timeout', 'task timed out'));
  }

  waitingTokens(): string[] {
    return [...this.waiting.keys()];
  }

  private take(taskToken: string): Waiting {
    const waiting = this.waiting.get(taskToken);
    if (waiting === undefined) throw new StatesError('TaskDoesNotExist', 'Task does not exist anymore');
    this.waiting.delete(taskToken);
    return waiting;
  }

  private async run(execution: ExecutionRecord, name: string, input: unknown): Promise<void> {
    let current: string | undefined = name;
    let data = input;
    while (current !== undefined) {
      const state: AslState | undefined = this.definition.States[current];
      if (state === undefined) throw new Error(`no state ${current}`);
      execution.path.push(current);
      const context: { Execution: { Name: string }; State: { Name: string; EnteredTime: string }; Task: { Token: string } } = {
        Execution: { Name: execution.name },
        State: { Name: current, EnteredTime: this.now() },
        Task: { Token: '' },
      };
      const effective: unknown = state.InputPath === undefined ? data : readPath(data, state.InputPath, context);
      switch (state.Type) {
        case 'Choice': {
          const choice: { Next: string } | undefined = state.Choices?.find((c): boolean => matches(c, effective, context));
          current = choice?.Next ?? state.Default;
          if (current === undefined) return this.finish(execution, 'FAILED', undefined, { Error: 'States.NoChoiceMatched', Cause: name });
          continue;
        }
        case 'Pass': {
          const result = state.Parameters === undefined ? effective : evaluate(state.Parameters, effective, context);
          data = output(state, data, result, context);
          break;
        }
        case 'Succeed':
          return this.finish(execution, 'SUCCEEDED', effective);
        case 'Fail':
          return this.finish(execution, 'FAILED', undefined, { Error: state.Error ?? 'States.Fail', Cause: state.Cause ?? '' });
        case 'Task': {
          const resource = state.Resource ?? '';
          if (resource.endsWith(':states:::lambda:invoke.waitForTaskToken')) {
            const token = `token-${++this.tokens}`;
            context.Task.Token = token;
            const params = evaluate(state.Parameters, effective, context) as { FunctionName: string; Payload: unknown };
            this.waiting.set(token, { execution, state: current, input: data });
            try {
              await this.invokeWithRetry(state, params.FunctionName, params.Payload);
            } catch (error) {
              this.waiting.delete(token);
              return this.fail(execution, current, state, data, error);
            }
            return; // paused until SendTaskSuccess / timeout
          }
          let result: unknown;
          try {
            if (resource.endsWith(':states:::lambda:invoke')) {
              const params = evaluate(state.Parameters, effective, context) as { FunctionName: string; Payload: unknown };
              result = { Payload: await this.invokeWithRetry(state, params.FunctionName, params.Payload) };
            } else if (resource.startsWith('arn:fn:')) {
              result = await this.invokeWithRetry(state, resource, state.Parameters === undefined ? effective : evaluate(state.Parameters, effective, context));
            } else {
              throw new Error(`the interpreter does not know the Task resource ${resource}`);
            }
          } catch (error) {
            return this.fail(execution, current, state, data, error);
          }
          data = output(state, data, result, context);
          break;
        }
        default:
          throw new Error(`the interpreter does not know the state type ${state.Type} (${current})`);
      }
      if (state.End) return this.finish(execution, 'SUCCEEDED', data);
      current = state.Next;
    }
  }

  private async continueAfter(execution: ExecutionRecord, name: string, state: AslState, input: unknown, result: unknown): Promise<void> {
    const context = { Execution: { Name: execution.name }, State: { Name: name, EnteredTime: this.now() }, Task: { Token: '' } };
    const data = output(state, input, result, context);
    if (state.End) return this.finish(execution, 'SUCCEEDED', data);
    await this.run(execution, state.Next!, data);
  }

  private async invokeWithRetry(state: AslState, fn: string, payload: unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.invoke(fn, payload);
      } catch (error) {
        const name = errorName(error);
        const retry = state.Retry?.find((r) => r.ErrorEquals.includes(name) || r.ErrorEquals.includes('States.ALL'));
        if (retry === undefined || attempt >= (retry.MaxAttempts ?? 3)) throw error;
      }
    }
  }

  private async fail(execution: ExecutionRecord, name: string, state: AslState, input: unknown, error: unknown): Promise<void> {
    const err = { Error: errorName(error), Cause: error instanceof Error ? error.message : String(error) };
    const handler = state.Catch?.find((c) => c.ErrorEquals.includes(err.Error) || c.ErrorEquals.includes('States.ALL'));
    if (handler === undefined) return this.finish(execution, 'FAILED', undefined, err);
    const context = { Execution: { Name: execution.name }, State: { Name: name, EnteredTime: this.now() }, Task: { Token: '' } };
    const data = handler.ResultPath === undefined ? err : handler.ResultPath === null ? input : setPath(input, handler.ResultPath, err, context);
    await this.run(execution, handler.Next, data);
  }

  private finish(execution: ExecutionRecord, status: 'SUCCEEDED' | 'FAILED', out?: unknown, error?: { Error: string; Cause: string }): void {
    execution.status = status;
    if (out !== undefined) execution.output = out;
    if (error !== undefined) execution.error = error;
  }
}

type Context = Record<string, unknown>;

function errorName(error: unknown): string {
  // Lambda reports a thrown error by its name (errorType); Step Functions matches Retry and Catch on it.
  return error instanceof Error ? error.name : 'Error';
}

function matches(choice: { Variable: string; IsPresent?: boolean; StringEquals?: string }, input: unknown, context: Context): boolean {
  const value = tryReadPath(input, choice.Variable, context);
  if (choice.IsPresent !== undefined) return (value !== undefined) === choice.IsPresent;
  if (choice.StringEquals !== undefined) return value === choice.StringEquals;
  throw new Error(`the interpreter does not know the Choice rule ${JSON.stringify(choice)}`);
}

function output(state: AslState, input: unknown, result: unknown, context: Context): unknown {
  const placed = state.ResultPath === undefined ? result : state.ResultPath === null ? input : setPath(input, state.ResultPath, result, context);
  return state.OutputPath === undefined ? placed : readPath(placed, state.OutputPath, context);
}

function evaluate(template: unknown, input: unknown, context: Context): unknown {
  if (Array.isArray(template)) return template.map((t) => evaluate(t, input, context));
  if (template === null || typeof template !== 'object') return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) out[key.slice(0, -2)] = readPath(input, value as string, context);
    else out[key] = evaluate(value, input, context);
  }
  return out;
}

function tryReadPath(input: unknown, path: string, context: Context): unknown {
  const [root, rest] = path.startsWith('$$') ? [context as unknown, path.slice(2)] : [input, path.slice(1)];
  if (!path.startsWith('$')) throw new Error(`not a JSONPath: ${path}`);
  let value = root;
  for (const part of rest.split('.').filter(Boolean)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function readPath(input: unknown, path: string, context: Context): unknown {
  const value = tryReadPath(input, path, context);
  if (value === undefined) throw new StatesError('States.Runtime', `the JSONPath ${path} matched nothing`);
  return value;
}

function setPath(input: unknown, path: string, value: unknown, _context: Context): unknown {
  if (path === '$') return value;
  const parts = path.slice(2).split('.');
  const root = structuredClone((input ?? {}) as Record<string, unknown>);
  let node = root;
  for (const part of parts.slice(0, -1)) {
    node[part] = typeof node[part] === 'object' && node[part] !== null ? node[part] : {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
  return root;
}
