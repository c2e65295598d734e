// Process lifecycle shared by every entry point: steps registered as things start are undone in reverse order on
// SIGINT/SIGTERM, so the API stops taking requests before the worker drains, and the worker before its server.
import type { Logger } from 'pino';

export class Lifecycle {
  private readonly cleanups: { name: string; run: () => Promise<unknown> }[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  /** Registers how to undo what was just started. */
  onStop(name: string, run: () => Promise<unknown>): void {
    this.cleanups.push({ name, run });
  }

  /** Stops on the first SIGINT or SIGTERM; a second signal while draining changes nothing. */
  stopOnSignals(): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        void this.stop(signal).then(() => process.exit(0));
      });
    }
  }

  stop(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info({ reason }, 'shutting down');
      for (const cleanup of [...this.cleanups].reverse()) {
        await cleanup
          .run()
          .catch((error) => this.logger.error({ err: error, step: cleanup.name }, 'shutdown step failed'));
      }
      this.logger.info('stopped');
    })();
    return this.stopping;
  }
}
