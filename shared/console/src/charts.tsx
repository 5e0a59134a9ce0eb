/** Hand-drawn SVG charts: no chart library, nothing fetched. */
import type { BacktestReport } from './api';

const W = 520;
const H = 220;
const PAD = { left: 40, right: 12, top: 14, bottom: 30 };
const COLORS = { baselinePrecision: '#2e6da4', candidatePrecision: '#7fb0e0', baselineRecall: '#16a085', candidateRecall: '#7ed6c2', baseline: '#8796a8', candidate: '#c0392b' };

function Axis({ xTicks, yTicks, x, y }: { xTicks: { v: number; label: string }[]; yTicks: { v: number; label: string }[]; x: (v: number) => number; y: (v: number) => number }) {
  return (
    <g fontSize={10} fill="#52606d">
      {yTicks.map((t) => (
        <g key={`y${t.v}`}>
          <line x1={PAD.left} x2={W - PAD.right} y1={y(t.v)} y2={y(t.v)} stroke="#eef0f2" />
          <text x={PAD.left - 6} y={y(t.v) + 3} textAnchor="end">
            {t.label}
          </text>
        </g>
      ))}
      {xTicks.map((t) => (
        <text key={`x${t.v}`} x={x(t.v)} y={H - PAD.bottom + 14} textAnchor="middle">
          {t.label}
        </text>
      ))}
      <line x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} stroke="#9aa5b1" />
    </g>
  );
}

function Legend({ items }: { items: [string, string, boolean?][] }) {
  return (
    <div className="legend">
      {items.map(([label, color, dashed]) => (
        <span key={label}>
          <svg width={18} height={8}>
            <line x1={0} x2={18} y1={4} y2={4} stroke={color} strokeWidth={3} strokeDasharray={dashed ? '4 3' : undefined} />
          </svg>
          {label}
        </span>
      ))}
    </div>
  );
}

/** Precision and recall if the review threshold were t, for both versions' scores. */
export function PrecisionRecallChart({ report }: { report: BacktestReport }) {
  const curve = report.curve;
  if (!curve) return <p className="muted">The history has no labels: no precision or recall to draw.</p>;
  const x = (t: number) => PAD.left + (t / 100) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - v * (H - PAD.top - PAD.bottom);
  const line = (pick: (p: NonNullable<BacktestReport["curve"]>[number]) => number) => curve.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.threshold).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(' ');
  const b = report.baseline.version;
  const c = report.candidate.version;
  return (
    <figure className="chart" data-testid="pr-chart">
      <figcaption>Precision and recall against the review threshold (score ≥ t is flagged)</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="precision and recall against the threshold">
        <Axis
          xTicks={[0, 20, 40, 60, 80, 100].map((v) => ({ v, label: String(v) }))}
          yTicks={[0, 0.25, 0.5, 0.75, 1].map((v) => ({ v, label: v.toFixed(2) }))}
          x={x}
          y={y}
        />
        <path d={line((p) => p.baseline.precision)} fill="none" stroke={COLORS.baselinePrecision} strokeWidth={2} strokeDasharray="4 3" />
        <path d={line((p) => p.candidate.precision)} fill="none" stroke={COLORS.baselinePrecision} strokeWidth={2.5} />
        <path d={line((p) => p.baseline.recall)} fill="none" stroke={COLORS.baselineRecall} strokeWidth={2} strokeDasharray="4 3" />
        <path d={line((p) => p.candidate.recall)} fill="none" stroke={COLORS.baselineRecall} strokeWidth={2.5} />
      </svg>
      <Legend
        items={[
          [`precision ${c}`, COLORS.baselinePrecision],
          [`precision ${b}`, COLORS.baselinePrecision, true],
          [`recall ${c}`, COLORS.baselineRecall],
          [`recall ${b}`, COLORS.baselineRecall, true],
        ]}
      />
    </figure>
  );
}

/** Review + block decisions per hour of event time, the two versions side by side. */
export function DecisionsOverTimeChart({ report }: { report: BacktestReport }) {
  const points = report.timeline;
  if (points.length === 0) return <p className="muted">No review or block decisions in either run.</p>;
  const max = Math.max(1, ...points.flatMap((p) => [p.baseline.review + p.baseline.block, p.candidate.review + p.candidate.block]));
  const slot = (W - PAD.left - PAD.right) / points.length;
  const bar = Math.max(1, slot / 2 - 1);
  const y = (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const every = Math.max(1, Math.ceil(points.length / 8));
  return (
    <figure className="chart" data-testid="timeline-chart">
      <figcaption>Flagged decisions (review + block) per hour of event time</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="decisions over time">
        <Axis
          xTicks={points.flatMap((p, i) => (i % every === 0 ? [{ v: i, label: p.hour.slice(5, 13).replace('T', ' ') + 'h' }] : []))}
          yTicks={[0, Math.round(max / 2), max].map((v) => ({ v, label: String(v) }))}
          x={(i) => PAD.left + i * slot + slot / 2}
          y={y}
        />
        {points.map((p, i) => {
          const x0 = PAD.left + i * slot;
          const bv = p.baseline.review + p.baseline.block;
          const cv = p.candidate.review + p.candidate.block;
          return (
            <g key={p.hour}>
              <rect x={x0 + 1} y={y(bv)} width={bar} height={H - PAD.bottom - y(bv)} fill={COLORS.baseline}>
                <title>{`${p.hour} ${report.baseline.version}: review ${p.baseline.review}, block ${p.baseline.block}`}</title>
              </rect>
              <rect x={x0 + 1 + bar} y={y(cv)} width={bar} height={H - PAD.bottom - y(cv)} fill={COLORS.candidate}>
                <title>{`${p.hour} ${report.candidate.version}: review ${p.candidate.review}, block ${p.candidate.block}`}</title>
              </rect>
            </g>
          );
        })}
      </svg>
      <Legend
        items={[
          [report.baseline.version, COLORS.baseline],
          [report.candidate.version, COLORS.candidate],
        ]}
      />
    </figure>
  );
}

/** Decisions by kind, the two runs as paired horizontal bars. */
export function DecisionKindsChart({ report }: { report: BacktestReport }) {
  const kinds = ['review', 'block'] as const;
  const max = Math.max(1, ...kinds.flatMap((k) => [report.baseline.decisions[k], report.candidate.decisions[k]]));
  const width = 300;
  return (
    <svg viewBox={`0 0 ${width + 130} 70`} className="kinds" role="img" aria-label="decisions by kind">
      {kinds.map((k, i) => (
        <g key={k} transform={`translate(0 ${i * 34})`} fontSize={11}>
          <text x={0} y={12} fill="#3e4c59">
            {k}
          </text>
          <rect x={50} y={2} height={10} width={(report.baseline.decisions[k] / max) * width} fill={COLORS.baseline} />
          <rect x={50} y={14} height={10} width={(report.candidate.decisions[k] / max) * width} fill={COLORS.candidate} />
          <text x={56 + (report.baseline.decisions[k] / max) * width} y={11} fill="#52606d">
            {report.baseline.decisions[k]}
          </text>
          <text x={56 + (report.candidate.decisions[k] / max) * width} y={23} fill="#52606d">
            {report.candidate.decisions[k]}
          </text>
        </g>
      ))}
    </svg>
  );
}
