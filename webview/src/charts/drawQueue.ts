/**
 * Charts draw one at a time, and each waits until the browser has painted what the one before it
 * drew. A chart of many long series takes a hundred milliseconds or more to draw; drawn in one go,
 * a dashboard of ten of them would show nothing until all ten were done. In turn, the charts at the
 * top (asked for first) show first and the page stays responsive while the rest draw.
 */
let queue: Promise<void> = Promise.resolve();

/** Runs `draw` after every draw queued before it, and the paint that followed it; resolves as `draw` does. */
export function drawInTurn(draw: () => Promise<void>): Promise<void> {
  const drawn = queue.then(draw);
  queue = drawn.then(nextPaint, nextPaint);
  return drawn;
}

/** Resolves after the next frame is painted, or after a short while where no frame comes (a hidden page). */
function nextPaint(): Promise<void> {
  return new Promise((resolve) => {
    const fallback = setTimeout(resolve, 100);
    requestAnimationFrame(() => {
      clearTimeout(fallback);
      // rAF runs before the frame is painted; a task queued from it runs after.
      setTimeout(resolve, 0);
    });
  });
}
