import type { Config, TopLevelSpec } from 'vega-lite/build/index';
import { chartConfig } from '../../../../webview/src/charts/chartTheme';

// vega and vega-lite are ES modules with top-level await, which `require` cannot load; the tests
// compile to CommonJS, where TypeScript would turn `import()` into `require`. A real dynamic import:
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

interface VegaLite {
  compile(spec: TopLevelSpec, options: { config: Config }): { spec: object };
}
interface Vega {
  parse(spec: object, config: undefined, options: { ast: boolean }): object;
  View: new (runtime: object, options: { expr: unknown; renderer: string }) => { toSVG(): Promise<string>; finalize(): void };
}

/** Compiles a spec with vega-lite under the webview's chart theme, as the webview does: the vega spec it draws. */
export async function compileSpec(spec: TopLevelSpec): Promise<object> {
  const vl = (await importModule('vega-lite')) as VegaLite;
  return vl.compile(spec, { config: chartConfig() }).spec;
}

/**
 * Compiles a spec with vega-lite (under the webview's chart theme) and renders it to SVG with vega, evaluating expressions through
 * vega-interpreter exactly as the webview does under a CSP without unsafe-eval: a spec that needs
 * eval, or that vega-lite rejects, fails here.
 */
export async function renderSpecToSvg(spec: TopLevelSpec): Promise<string> {
  const vega = (await importModule('vega')) as Vega;
  const { expressionInterpreter } = (await importModule('vega-interpreter')) as { expressionInterpreter: unknown };
  const compiled = await compileSpec(spec);
  const view = new vega.View(vega.parse(compiled, undefined, { ast: true }), { expr: expressionInterpreter, renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** How many marks of a kind the SVG draws ('line mark', 'symbol mark', 'rule mark', 'text mark'...). */
export function countMarks(svg: string, roleDescription: string): number {
  return svg.split(`aria-roledescription="${roleDescription}"`).length - 1;
}
