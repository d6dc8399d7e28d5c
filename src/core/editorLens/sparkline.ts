/** A sparkline's size in CSS pixels. */
export interface SparklineSize {
  readonly width: number;
  readonly height: number;
}

/** Points drawn at most: a hover's image is tens of pixels wide, so more would only weigh. */
const maxPoints = 120;

/**
 * A metric's values in step order as a small SVG line, and its best point as a dot. The image is
 * shown by an <img> in a hover, where the theme's CSS variables do not reach: the colours are
 * a mid blue and orange that read on light and dark themes alike. Non-finite values are skipped.
 * Undefined with fewer than two finite values: one point is no line.
 */
export function sparklineSvg(values: readonly number[], best: 'lower' | 'higher', size: SparklineSize = { width: 160, height: 32 }): string | undefined {
  const finite = everyNth(values.filter(Number.isFinite), maxPoints);
  if (finite.length < 2) return undefined;
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  const pad = 2;
  const x = (i: number) => pad + (i * (size.width - 2 * pad)) / (finite.length - 1);
  const y = (v: number) => (high === low ? size.height / 2 : pad + ((high - v) * (size.height - 2 * pad)) / (high - low));
  const points = finite.map((v, i) => `${round(x(i))},${round(y(v))}`).join(' ');
  const bestIndex = finite.indexOf(best === 'lower' ? low : high);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}" viewBox="0 0 ${size.width} ${size.height}">` +
    `<polyline fill="none" stroke="#4e94ce" stroke-width="1.5" stroke-linejoin="round" points="${points}"/>` +
    `<circle cx="${round(x(bestIndex))}" cy="${round(y(finite[bestIndex]))}" r="2.5" fill="#e8912d"/>` +
    '</svg>'
  );
}

/** The SVG as a `data:` URI for a Markdown image. */
export function svgDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}

/** At most `limit` values, evenly spaced, the first and the last kept. */
function everyNth(values: readonly number[], limit: number): number[] {
  if (values.length <= limit) return [...values];
  const step = (values.length - 1) / (limit - 1);
  return Array.from({ length: limit }, (_, i) => values[Math.round(i * step)]);
}

function round(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}
