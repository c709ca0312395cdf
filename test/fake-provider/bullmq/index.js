// A stand-in for BullMQ's Queue and Worker in one process, without Redis, for the rewrite fixtures:
// a Worker runs up to `concurrency` jobs at once (1 unless told) and emits 'completed' / 'failed';
// close() emits 'closing' first, takes no new job, waits for the jobs that run, then emits 'closed'
// (the order of BullMQ's Worker.close). A job added while a worker has a free slot starts at once.
'use strict';
const { EventEmitter } = require('node:events');

const queues = new Map();
function stateOf(name) {
  if (!queues.has(name)) queues.set(name, { waiting: [], workers: new Set(), nextId: 1 });
  return queues.get(name);
}

class Queue {
  constructor(name) {
    this.name = name;
  }
  async add(jobName, data) {
    const state = stateOf(this.name);
    const job = { id: String(state.nextId++), name: jobName, data };
    state.waiting.push(job);
    for (const w of state.workers) w._fill();
    return job;
  }
  async close() {}
}

class Worker extends EventEmitter {
  constructor(name, processor, opts = {}) {
    super();
    this.name = name;
    this.concurrency = opts.concurrency ?? 1;
    this._processor = processor;
    this._active = new Set();
    this._closing = null;
    this._state = stateOf(name);
    this._state.workers.add(this);
    queueMicrotask(() => this._fill());
  }
  _fill() {
    while (!this._closing && this._active.size < this.concurrency && this._state.waiting.length > 0) {
      const job = this._state.waiting.shift();
      const run = Promise.resolve()
        .then(() => this._processor(job))
        .then(
          (result) => {
            job.returnvalue = result;
            this.emit('completed', job, result);
          },
          (err) => this.emit('failed', job, err),
        )
        .finally(() => {
          this._active.delete(run);
          this._fill();
        });
      this._active.add(run);
    }
  }
  close() {
    if (this._closing) return this._closing;
    this.emit('closing', 'closing queue');
    this._state.workers.delete(this);
    this._closing = (async () => {
      while (this._active.size > 0) await Promise.allSettled([...this._active]);
      this.emit('closed');
    })();
    return this._closing;
  }
}

module.exports = { Queue, Worker };
