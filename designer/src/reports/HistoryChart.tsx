import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Granularity, PeriodFigures } from './report-types.js';
import { TIME_ZONE } from './format.js';

/**
 * Calls offered and answered per period (bars) with the service level at the first threshold and the
 * abandoned share (lines, right axis), drawn with uPlot on a canvas; times on the axis in Europe/London.
 * The table under the chart carries the same numbers for screen readers and copying.
 */
export function HistoryChart({ periods, granularity, threshold, target, width = 820 }: { periods: PeriodFigures[]; granularity: Granularity; threshold: number; target: number; width?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current || periods.length === 0) return;
    const xs = periods.map((p) => new Date(p.start).getTime() / 1000);
    const step = xs.length > 1 ? xs[1]! - xs[0]! : 1800;
    const data: uPlot.AlignedData = [
      xs,
      periods.map((p) => p.offered),
      periods.map((p) => p.answered),
      periods.map((p) => p.answeredWithin[0]?.percent ?? null),
      periods.map((p) => p.abandonedPercent),
      periods.map(() => target),
    ];
    const bars = uPlot.paths.bars!({ size: [0.7, 60] });
    const narrowBars = uPlot.paths.bars!({ size: [0.4, 40] });
    const chart = new uPlot(
      {
        width,
        height: 300,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), TIME_ZONE),
        scales: { x: { time: true, range: (_u, min, max) => [min - step / 2, max + step / 2] }, calls: { auto: true, range: (_u, _min, max) => [0, Math.max(5, max * 1.1)] }, pct: { range: [0, 100] } },
        axes: [
          { values: granularity === 'halfHour' ? '{HH}:{mm}' : granularity === 'month' ? '{MMM} {YYYY}' : '{D} {MMM}' },
          { scale: 'calls', label: 'Calls' },
          { scale: 'pct', side: 1, label: '%', grid: { show: false } },
        ],
        series: [
          {},
          { label: 'Offered', scale: 'calls', fill: 'rgba(29, 78, 216, 0.25)', stroke: '#1d4ed8', paths: bars, points: { show: false } },
          { label: 'Answered', scale: 'calls', fill: 'rgba(30, 107, 54, 0.75)', stroke: '#1e6b36', paths: narrowBars, points: { show: false } },
          { label: `Answered in ${threshold} s %`, scale: 'pct', stroke: '#7a3fb8', width: 2.5 },
          { label: 'Abandoned %', scale: 'pct', stroke: '#b42318', width: 2, dash: [6, 4] },
          { label: `Target ${target} %`, scale: 'pct', stroke: '#555c66', width: 1, dash: [2, 4], points: { show: false } },
        ],
      },
      data,
      box.current,
    );
    return () => chart.destroy();
  }, [periods, granularity, threshold, target, width]);
  return <div ref={box} className="history-chart" role="img" aria-label={`Chart: calls offered and answered, service level in ${threshold} s and abandoned share per period`} />;
}
