import { findLensAnchors } from '../src/core/editorLens/codeLensScan';
import { type BenchRow, formatCount, formatMs, median, timeMs } from './benchKit';

// The "Run tracked" lenses are found again on every keystroke, so scanning a large Python file must
// stay well inside a frame or two.

const budgetMs = 100;
const rounds = 20;

export async function measure(): Promise<readonly BenchRow[]> {
  const block = 'import mlflow\nfor i in range(10):\n    mlflow.log_metric("loss", i)\n"""doc"""\n';
  const text = block.repeat(5_000) + 'if __name__ == "__main__":\n    pass\n';
  const lines = text.split('\n').length;
  findLensAnchors(text); // warm-up
  const times = Array.from({ length: rounds }, () => timeMs(() => findLensAnchors(text)));
  return [
    {
      what: `CodeLens scan of a ${formatCount(lines)}-line Python file (median of ${rounds})`,
      figure: `${formatMs(median(times))} (slowest ${formatMs(Math.max(...times))})`,
      budget: `<= ${budgetMs} ms`,
      ok: median(times) <= budgetMs,
    },
  ];
}
