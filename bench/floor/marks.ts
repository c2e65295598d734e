// The floor workflows' one local activity: records when it ran, in this process's memory, for the driver to read.
import { performance } from 'node:perf_hooks';

export class MarkBoard {
  private readonly marks = new Map<string, number>();
  private readonly waiters = new Map<string, (at: number) => void>();

  /** The activity implementations to register with the floor worker. */
  readonly activities = {
    mark: async (id: string): Promise<void> => {
      const at = performance.now();
      this.marks.set(id, at);
      this.waiters.get(id)?.(at);
      this.waiters.delete(id);
    },
  };

  /** When `id`'s activity ran (performance.now() clock); waits for it if it has not yet. */
  waitFor(id: string, timeoutMs = 30_000): Promise<number> {
    const at = this.marks.get(id);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`floor activity ${id} did not run in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.set(id, (ran) => {
        clearTimeout(timer);
        resolve(ran);
      });
    });
  }

  forget(id: string): void {
    this.marks.delete(id);
  }
}

export type FloorActivities = MarkBoard['activities'];
