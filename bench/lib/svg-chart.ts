export interface Series {
  label: string;
  color: string;
  points: ReadonlyArray<readonly [number, number]>;
}

/** A plain line chart (x: seconds, y: MiB), hand-written SVG so the bench needs no chart library. */
export function lineChart(title: string, series: Series[], yLabel: string, limit?: number): string {
  const width = 640;
  const height = 320;
  const pad = { left: 56, right: 16, top: 32, bottom: 40 };
  const all = series.flatMap((s) => s.points);
  const maxX = Math.max(1, ...all.map(([x]) => x));
  const maxY = Math.max(limit ?? 0, ...all.map(([, y]) => y)) * 1.1;
  const sx = (x: number) => pad.left + (x / maxX) * (width - pad.left - pad.right);
  const sy = (y: number) => height - pad.bottom - (y / maxY) * (height - pad.top - pad.bottom);
  const ticks = Array.from({ length: 5 }, (_, i) => (maxY / 4) * i);
  const lines = series.map(
    (s) =>
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.points
        .map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
        .join(' ')}"/>`,
  );
  const legend = series.map(
    (s, i) =>
      `<text x="${pad.left + 8}" y="${pad.top + 16 + i * 16}" fill="${s.color}" font-size="12">${s.label}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>`,
    ...ticks.map(
      (t) =>
        `<line x1="${pad.left}" x2="${width - pad.right}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/>` +
        `<text x="${pad.left - 6}" y="${sy(t) + 4}" text-anchor="end" font-size="11">${Math.round(t)}</text>`,
    ),
    limit === undefined
      ? ''
      : `<line x1="${pad.left}" x2="${width - pad.right}" y1="${sy(limit)}" y2="${sy(limit)}" stroke="#c00" stroke-dasharray="4 4"/>`,
    `<text x="${width / 2}" y="${height - 8}" text-anchor="middle" font-size="12">seconds since start</text>`,
    `<text x="14" y="${height / 2}" font-size="12" transform="rotate(-90 14 ${height / 2})" text-anchor="middle">${yLabel}</text>`,
    ...lines,
    ...legend,
    '</svg>',
  ].join('\n');
}
