import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A figure a scenario promises to measure, declared up front so a skipped or failed scenario still shows its rows. */
export interface FigureSpec {
  name: string;
  unit: string;
  /** Pass/miss threshold; null when the figure is reported for comparison only. */
  target: number | null;
  /** Whether a smaller value is better (latency, memory) or a larger one (throughput). */
  better: 'lower' | 'higher';
}

export interface Measurement {
  value: number;
  /** The same figure for the baseline, measured in the same run. */
  baseline: number;
  notes?: string;
}

export type FigureStatus = 'measured' | 'skipped' | 'error';

/** One row of the results table and of `bench/results/latest.json`. */
export interface Figure {
  /** Stable across runs, for comparing result files: `<scenario>.<figure>`. */
  id: string;
  scenario: string;
  name: string;
  status: FigureStatus;
  value: number | null;
  unit: string;
  baseline: number | null;
  /** value ÷ baseline. */
  ratio: number | null;
  target: number | null;
  better: 'lower' | 'higher';
  /** null when there is no target or nothing was measured. */
  pass: boolean | null;
  notes: string;
}

export interface Scenario<K extends string = string> {
  id: string;
  title: string;
  figures: Record<K, FigureSpec>;
  run(log: (line: string) => void): Promise<Record<K, Measurement>>;
}

/** Thrown by a scenario that cannot run here (e.g. no PostgreSQL); the run goes on. */
export class SkipScenario extends Error {}

export function measured(scenario: string, key: string, spec: FigureSpec, m: Measurement): Figure {
  const ratio = m.baseline > 0 ? m.value / m.baseline : null;
  const pass = spec.target === null ? null : spec.better === 'lower' ? m.value < spec.target : m.value > spec.target;
  return { id: `${scenario}.${key}`, scenario, ...spec, status: 'measured', value: m.value, baseline: m.baseline, ratio, pass, notes: m.notes ?? '' };
}

export function unmeasured(scenario: string, key: string, spec: FigureSpec, status: 'skipped' | 'error', reason: string): Figure {
  return { id: `${scenario}.${key}`, scenario, ...spec, status, value: null, baseline: null, ratio: null, pass: null, notes: reason };
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function formatRatio(ratio: number): string {
  return ratio >= 10 ? `${ratio.toFixed(0)}×` : ratio >= 0.1 ? `${ratio.toFixed(2)}×` : `${ratio.toFixed(3)}×`;
}

function cells(f: Figure): string[] {
  const withUnit = (v: number | null) => (v === null ? '—' : `${formatNumber(v)} ${f.unit}`);
  const target = f.target === null ? '—' : `${f.better === 'lower' ? '<' : '>'} ${formatNumber(f.target)} ${f.unit}`;
  const result = f.status !== 'measured' ? f.status : f.pass === null ? 'info' : f.pass ? 'pass' : 'MISS';
  return [f.name, withUnit(f.value), withUnit(f.baseline), f.ratio === null ? '—' : formatRatio(f.ratio), target, result];
}

/** A plain-text table (figure, value, baseline, ratio, target, result) followed by each figure's notes. */
export function formatTable(figures: Figure[]): string {
  const header = ['Figure', 'Value', 'Baseline', 'Ratio', 'Target', 'Result'];
  const rows = figures.map(cells);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  // Numbers read best right-aligned; names and verdicts left-aligned.
  const rightAligned = new Set([1, 2, 3, 4]);
  const line = (r: string[]) => r.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  const notes = figures.filter((f) => f.notes).map((f) => `  ${f.name}: ${f.notes}`);
  return [line(header), rule, ...rows.map(line), '', 'Notes (baseline = the same measurement on a bare node:http server, same run; ratio = value ÷ baseline):', ...notes].join('\n');
}

export interface RunRecord {
  startedAt: string;
  durationMs: number;
  environment: { node: string; platform: string; arch: string; cpus: number; cpuModel: string; totalMemoryMB: number; commit: string | null; loadAverage: { before: number; after: number } };
  figures: Figure[];
}

export function writeResults(file: string, record: RunRecord): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}
