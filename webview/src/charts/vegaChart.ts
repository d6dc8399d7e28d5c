import { Error as errorLevel, logger, parse, View } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile, type TopLevelSpec } from 'vega-lite';
import { chartConfig } from './chartTheme';
import { drawInTurn } from './drawQueue';

/**
 * Renders a vega-lite spec that the host built: compiled here, parsed to an AST and evaluated by
 * vega-interpreter (the CSP has no 'unsafe-eval'), drawn as SVG. The webview computes nothing
 * about the data: the spec arrives with its data inline. Charts draw one at a time, in the order
 * they were asked for (see drawQueue.ts).
 */
export class VegaChart {
  private view: View | undefined;
  /** Counts renders and finalizes, so that a render overtaken while it waited for its turn is dropped. */
  private generation = 0;

  constructor(readonly container: HTMLElement) {
    container.classList.add('chart');
  }

  render(spec: TopLevelSpec): Promise<void> {
    // What was drawn goes at once: a chart waiting for its turn shows nothing rather than stale data.
    this.finalize();
    const generation = this.generation;
    return drawInTurn(async () => {
      if (generation !== this.generation) return;
      const quiet = logger(errorLevel);
      const compiled = compile(spec, { config: chartConfig(), logger: quiet }).spec;
      const runtime = parse(compiled, undefined, { ast: true });
      const view = new View(runtime, {
        renderer: 'svg',
        container: this.container,
        hover: true,
        logger: quiet,
        expr: expressionInterpreter,
      } as ConstructorParameters<typeof View>[1]);
      this.view = view;
      await view.runAsync();
    });
  }

  finalize(): void {
    this.generation += 1;
    this.view?.finalize();
    this.view = undefined;
    this.container.replaceChildren();
  }
}
