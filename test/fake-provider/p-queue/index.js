// A stand-in for p-queue for the rewrite fixtures (the real one is ESM-only, as this is): add(task)
// runs the task once fewer than `concurrency` tasks run (unlimited unless told) and settles with its
// result; onIdle() settles when nothing waits or runs.
export default class PQueue {
  #waiting = [];
  #running = 0;
  #idle = [];

  constructor(options = {}) {
    this.concurrency = options.concurrency ?? Infinity;
  }

  add(task) {
    return new Promise((resolve, reject) => {
      this.#waiting.push(() => Promise.resolve().then(task).then(resolve, reject));
      this.#next();
    });
  }

  onIdle() {
    if (this.#running === 0 && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #next() {
    while (this.#running < this.concurrency && this.#waiting.length > 0) {
      const start = this.#waiting.shift();
      this.#running++;
      start().finally(() => {
        this.#running--;
        this.#next();
        if (this.#running === 0 && this.#waiting.length === 0) this.#idle.splice(0).forEach((r) => r());
      });
    }
  }
}
