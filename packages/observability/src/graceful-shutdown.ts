import type { Logger } from 'pino';

export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown>;
}

/**
 * Runs the steps once, in order, on SIGTERM or SIGINT (stop accepting, close workers, close
 * queues and Redis, end the pool, flush logs). A second signal, or the timeout, exits at once:
 * an operator pressing Ctrl-C twice means it.
 */
export function onShutdownSignal(log: Logger, steps: ShutdownStep[], timeoutMs: number): () => Promise<void> {
  let running: Promise<void> | undefined;
  const shutdown = () => {
    running ??= (async () => {
      const timer = setTimeout(() => {
        log.error({ timeoutMs }, 'shutdown timed out; exiting');
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      let failed = false;
      for (const step of steps) {
        try {
          await step.run();
          log.debug({ step: step.name }, 'shutdown step done');
        } catch (error) {
          failed = true;
          log.error({ err: error, step: step.name }, 'shutdown step failed');
        }
      }
      log.info('shut down');
      log.flush();
      clearTimeout(timer);
      process.exitCode = failed ? 1 : 0;
    })();
    return running;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (running) {
        log.warn({ signal }, 'second signal; exiting now');
        process.exit(1);
      }
      log.info({ signal }, 'shutting down');
      void shutdown();
    });
  }
  return shutdown;
}
