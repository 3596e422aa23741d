// EvalStore in memory: Node tests and the benchmark.
import { resultKey, type EvalResult, type EvalStore } from './eval-run.ts';

export class MemoryEvalStore implements EvalStore {
  readonly rows = new Map<string, EvalResult>();
  puts = 0;

  async results(runId: string): Promise<EvalResult[]> {
    return [...this.rows.values()].filter((r) => r.runId === runId);
  }

  async putResult(r: EvalResult): Promise<void> {
    this.puts++;
    this.rows.set(`${r.runId}|${resultKey(r.promptId, r.k)}`, r);
  }
}
