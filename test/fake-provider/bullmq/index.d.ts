// The part of BullMQ's types the fixtures use (bullmq 5: Queue, Worker, Job, WorkerOptions).
import { EventEmitter } from 'node:events';

export interface ConnectionOptions {
  host?: string;
  port?: number;
}

export interface Job<DataType = any, ResultType = any> {
  id?: string;
  name: string;
  data: DataType;
  returnvalue?: ResultType;
}

export interface WorkerOptions {
  connection?: ConnectionOptions;
  concurrency?: number;
}

export type Processor<DataType = any, ResultType = any> = (job: Job<DataType, ResultType>) => Promise<ResultType>;

export declare class Queue<DataType = any> {
  constructor(name: string, opts?: { connection?: ConnectionOptions });
  readonly name: string;
  add(name: string, data: DataType): Promise<Job<DataType>>;
  close(): Promise<void>;
}

export declare class Worker<DataType = any, ResultType = any> extends EventEmitter {
  constructor(name: string, processor: Processor<DataType, ResultType>, opts?: WorkerOptions);
  readonly name: string;
  concurrency: number;
  close(force?: boolean): Promise<void>;
  on(event: 'completed', listener: (job: Job<DataType, ResultType>, result: ResultType) => void): this;
  on(event: 'failed', listener: (job: Job<DataType, ResultType> | undefined, error: Error) => void): this;
  on(event: 'closing', listener: (msg: string) => void): this;
  on(event: 'closed', listener: () => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}
