export interface ChartPoint {
  at: Date;
  avgC: number;
  minC: number;
  maxC: number;
}

export interface ChartLimits {
  maxWarningC: number | null;
  minWarningC: number | null;
}

const W = 720;
const H = 220;
const PAD = 36;

/**
 * temperatureChartSvg draws a small inline SVG: the min–max band, the average line and the
 * limit lines, with no script and no external assets, so it prints and archives as it is.
 */
export function temperatureChartSvg(points: ChartPoint[], limits: ChartLimits, from: Date, to: Date): string {
  if (!points.length) return `<svg width="${W}" height="40" role="img" aria-label="no readings"><text x="10" y="25">No readings in this period</text></svg>`;
  const values = points.flatMap((p) => [p.minC, p.maxC]).concat([limits.maxWarningC, limits.minWarningC].filter((v): v is number => v !== null));
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < 2) {
    lo -= 1;
    hi += 1;
  }
  const t0 = from.getTime();
  const span = Math.max(1, to.getTime() - t0);
  const x = (d: Date) => (PAD + ((d.getTime() - t0) / span) * (W - 2 * PAD)).toFixed(1);
  const y = (c: number) => (H - PAD - ((c - lo) / (hi - lo)) * (H - 2 * PAD)).toFixed(1);
  const band = [...points.map((p) => `${x(p.at)},${y(p.maxC)}`), ...[...points].reverse().map((p) => `${x(p.at)},${y(p.minC)}`)].join(' ');
  const line = points.map((p) => `${x(p.at)},${y(p.avgC)}`).join(' ');
  const limitLine = (c: number | null, label: string) =>
    c === null ? '' : `<line x1="${PAD}" x2="${W - PAD}" y1="${y(c)}" y2="${y(c)}" stroke="#c00" stroke-dasharray="4 3"/><text x="${W - PAD + 2}" y="${y(c)}" font-size="10" fill="#c00">${label} ${c}°C</text>`;
  return `<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="temperature chart">
<polygon points="${band}" fill="#9cc3ea" opacity="0.5"/>
<polyline points="${line}" fill="none" stroke="#1f5fa8" stroke-width="1.5"/>
${limitLine(limits.maxWarningC, 'max')}${limitLine(limits.minWarningC, 'min')}
<text x="4" y="${PAD}" font-size="10">${hi.toFixed(1)}°C</text><text x="4" y="${H - PAD}" font-size="10">${lo.toFixed(1)}°C</text>
<text x="${PAD}" y="${H - 8}" font-size="10">${from.toISOString().slice(0, 16)}Z</text><text x="${W - PAD - 90}" y="${H - 8}" font-size="10">${to.toISOString().slice(0, 16)}Z</text>
</svg>`;
}
