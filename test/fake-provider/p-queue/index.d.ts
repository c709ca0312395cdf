// The part of p-queue's types the fixtures use.
export interface Options {
  concurrency?: number;
}

export default class PQueue {
  constructor(options?: Options);
  concurrency: number;
  add<TaskResultType>(task: () => PromiseLike<TaskResultType> | TaskResultType): Promise<TaskResultType>;
  onIdle(): Promise<void>;
}
