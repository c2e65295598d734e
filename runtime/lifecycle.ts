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

  /**
   * Logs what would otherwise end the process with only a stack trace on stderr. A stray rejected promise is logged
   * and the process carries on, as one failed request or poll should not take the service down; an uncaught
   * exception leaves the process in an unknown state, so it is logged and the process stops in order, to be
   * restarted by its supervisor.
   */
  logFatalErrors(): void {
    process.on('unhandledRejection', (reason) => {
      this.logger.error({ err: reason }, 'unhandled promise rejection');
    });
    process.on('uncaughtException', (error, origin) => {
      this.logger.fatal({ err: error, origin }, 'uncaught exception: stopping');
      void this.stop('uncaught exception').finally(() => process.exit(1));
    });
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
