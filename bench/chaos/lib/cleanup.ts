/**
 * Teardown steps run last-in first-out, each bounded and isolated, so one failing step (a
 * server that already died) never leaves the next child or temp dir behind.
 */
export class Cleanup {
  private readonly steps: { name: string; run: () => Promise<unknown> | unknown }[] = [];

  add(name: string, run: () => Promise<unknown> | unknown): void {
    this.steps.push({ name, run });
  }

  async runAll(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop();
      if (!step) break;
      try {
        await Promise.race([
          Promise.resolve().then(step.run),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 20_000).unref()),
        ]);
      } catch (error) {
        console.error(`cleanup "${step.name}" failed: ${(error as Error).message}`);
      }
    }
  }
}
