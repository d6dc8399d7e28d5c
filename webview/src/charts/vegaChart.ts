import { Error as errorLevel, logger, parse, View } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile, type TopLevelSpec } from 'vega-lite';
import { chartConfig } from './chartTheme';

/**
 * Renders a vega-lite spec that the host built: compiled here, parsed to an AST and evaluated by
 * vega-interpreter (the CSP has no 'unsafe-eval'), drawn as SVG. The webview computes nothing
 * about the data: the spec arrives with its data inline.
 */
export class VegaChart {
  private view: View | undefined;

  constructor(readonly container: HTMLElement) {
    container.classList.add('chart');
  }

  async render(spec: TopLevelSpec): Promise<void> {
    this.finalize();
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
  }

  finalize(): void {
    this.view?.finalize();
    this.view = undefined;
    this.container.replaceChildren();
  }
}
