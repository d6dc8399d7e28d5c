// The deep path, as the host's code names vega-lite's types: the unit tests (node10 resolution) compile this file too.
import type { Config } from 'vega-lite/build/index';

/**
 * Chart colours and type from the editor's theme: every colour is a `var(--vscode-*)` (SVG
 * attributes accept them, and a theme switch recolours the chart without re-rendering). Runs are
 * told apart by VS Code's chart palette, stretched with `color-mix` for more than six runs.
 * This is the charts' one theme: the host's specs (src/dashboards/chartSpecs.ts) carry no colours,
 * since a spec's own config would override this one.
 */
const chartColours = ['blue', 'orange', 'green', 'red', 'purple', 'yellow'].map((name) => `var(--vscode-charts-${name})`);

export const categoryRange: readonly string[] = [
  ...chartColours,
  ...chartColours.map((colour) => `color-mix(in srgb, ${colour} 60%, var(--vscode-editor-foreground))`),
  ...chartColours.map((colour) => `color-mix(in srgb, ${colour} 55%, var(--vscode-editor-background))`),
];

const foreground = 'var(--vscode-editor-foreground)';
const muted = 'var(--vscode-descriptionForeground)';
const grid = 'color-mix(in srgb, var(--vscode-editor-foreground) 12%, transparent)';
const font = 'var(--vscode-font-family)';

export function chartConfig(): Config {
  return {
    background: 'transparent',
    font,
    view: { stroke: 'transparent' },
    axis: {
      domainColor: muted,
      gridColor: grid,
      tickColor: muted,
      labelColor: foreground,
      titleColor: foreground,
      labelFont: font,
      titleFont: font,
      titleFontWeight: 'normal',
    },
    legend: { labelColor: foreground, titleColor: foreground, labelFont: font, titleFont: font, labelLimit: 240 },
    title: { color: foreground, font, subtitleColor: muted },
    header: { labelColor: foreground, titleColor: foreground },
    mark: { color: 'var(--vscode-charts-blue)' },
    // Marks that draw a chart's frame rather than its data (parallel coordinates' axes and their labels).
    rule: { color: muted },
    tick: { color: muted },
    text: { color: foreground },
    // The host leaves out values a chart cannot place (NaN, infinities, ≤ 0 on a log scale), yet
    // vega-lite tests every point in any mode, which costs the expression interpreter dearly on long
    // series. 'filter' tests each row once, in the data; `null` ('show') would test x and y again in
    // every layer's encoding.
    // No strokeWidth here: vega-lite lets a mark config's value beat a conditional encoding, which
    // would draw parallel coordinates' best run as thin as the others; the specs set line widths.
    line: { invalid: 'filter' },
    range: { category: [...categoryRange] },
  };
}
