import type { Config } from 'vega-lite/build/index';

/**
 * Colours as VS Code's theme variables, resolved by the webview's CSS, so every chart follows
 * light, dark and high-contrast themes with no hex value anywhere.
 */
export const themeColors = {
  foreground: 'var(--vscode-editor-foreground)',
  muted: 'var(--vscode-descriptionForeground)',
  grid: 'var(--vscode-editorWidget-border)',
  accent: 'var(--vscode-charts-blue)',
} as const;

export const chartConfig: Config = {
  background: 'transparent',
  view: { stroke: 'transparent' },
  axis: {
    domainColor: themeColors.muted,
    tickColor: themeColors.muted,
    gridColor: themeColors.grid,
    labelColor: themeColors.foreground,
    titleColor: themeColors.foreground,
  },
  legend: { labelColor: themeColors.foreground, titleColor: themeColors.foreground },
  title: { color: themeColors.foreground, subtitleColor: themeColors.muted },
  text: { color: themeColors.foreground },
};
