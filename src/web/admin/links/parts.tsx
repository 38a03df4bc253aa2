import { Check, Copy, Download, QrCode } from 'lucide-react';
import QRCode from 'qrcode';
import * as React from 'react';
import { Button } from '../../ui/button';
import { Dialog, DialogContent, DialogTrigger } from '../../ui/dialog';
import { formatDate, formatMoney, formatNumber } from '../../ui/format';
import { Skeleton } from '../../ui/skeleton';

type MoneyJson = { amountMinor: string; currency: string };

/** Copies text to the clipboard and says so for two seconds. */
export function CopyButton({ text, label = 'Copy link', size = 'sm' }: { text: string; label?: string; size?: 'sm' | 'md' }) {
  const [copied, setCopied] = React.useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const area = document.createElement('textarea');
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setCopied(true);
    window.setTimeout(() => setCopied(false), 2000);
  };
  return (
    <Button variant="secondary" size={size} onClick={() => void copy()} aria-live="polite">
      {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
      {copied ? 'Copied' : label}
    </Button>
  );
}

/** A QR code of the link (SVG, rendered in the browser) with a PNG download. */
export function QrButton({ url, code }: { url: string; code: string }) {
  const [svg, setSvg] = React.useState<string | null>(null);
  const [png, setPng] = React.useState<string | null>(null);
  const [open, setOpen] = React.useState(false);
  React.useEffect(() => {
    if (!open || svg) return;
    void QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }).then(setSvg);
    void QRCode.toDataURL(url, { margin: 2, width: 600, errorCorrectionLevel: 'M' }).then(setPng);
  }, [open, svg, url]);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="ghost" size="sm" aria-label={`QR code for ${code}`}>
          <QrCode aria-hidden />
          QR
        </Button>
      </DialogTrigger>
      <DialogContent title="QR code" description={url} size="sm">
        <div className="grid justify-items-center gap-4">
          {svg ? (
            <img
              src={`data:image/svg+xml;utf8,${encodeURIComponent(svg)}`}
              alt={`QR code linking to ${url}`}
              className="size-56 rounded-lg border border-slate-200 p-2"
            />
          ) : (
            <Skeleton className="size-56" />
          )}
          <div className="flex gap-2">
            <CopyButton text={url} />
            {png ? (
              <Button asChild variant="secondary" size="sm">
                <a href={png} download={`${code}-qr.png`}>
                  <Download aria-hidden />
                  Download PNG
                </a>
              </Button>
            ) : null}
          </div>
        </div>
      </DialogContent>
    </Dialog>
  );
}

export function Revenue({ items }: { items: MoneyJson[] }) {
  if (items.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <span className="grid tabular-nums">
      {items.map((m) => (
        <span key={m.currency}>{formatMoney(m.amountMinor, m.currency)}</span>
      ))}
    </span>
  );
}

interface DailyPoint {
  day: string;
  clicks: number;
  uniqueClicks: number;
  botClicks: number;
  leads: number;
  sales: number;
}

/** Daily clicks as plain SVG bars (unique clicks darker), with leads and sales marked; a table view for screen readers. */
export function DailyBars({ days }: { days: DailyPoint[] }) {
  const max = Math.max(1, ...days.map((d) => d.clicks));
  const w = 12;
  const gap = 4;
  const h = 120;
  const width = days.length * (w + gap);
  return (
    <figure className="grid gap-2">
      <div className="overflow-x-auto">
        <svg
          viewBox={`0 0 ${width} ${h + 18}`}
          className="h-36 min-w-full"
          style={{ width: Math.max(width, 320) }}
          role="img"
          aria-label={`Clicks per day, ${days[0]?.day ?? ''} to ${days.at(-1)?.day ?? ''}`}
        >
          {days.map((d, i) => {
            const total = (d.clicks / max) * h;
            const unique = (d.uniqueClicks / max) * h;
            const x = i * (w + gap);
            return (
              <g key={d.day}>
                <title>{`${formatDate(d.day)}: ${d.clicks} clicks (${d.uniqueClicks} unique, ${d.botClicks} bots filtered), ${d.leads} leads, ${d.sales} sales`}</title>
                <rect x={x} y={h - total} width={w} height={Math.max(total, d.clicks ? 1 : 0)} rx={2} className="fill-brand-200" />
                <rect x={x} y={h - unique} width={w} height={unique} rx={2} className="fill-brand-500" />
                {d.leads + d.sales > 0 ? <circle cx={x + w / 2} cy={h + 8} r={3} className={d.sales ? 'fill-emerald-500' : 'fill-amber-500'} /> : null}
              </g>
            );
          })}
          <line x1={0} x2={width} y1={h + 0.5} y2={h + 0.5} className="stroke-slate-200" />
        </svg>
      </div>
      <figcaption className="flex flex-wrap gap-4 text-xs text-slate-500">
        <span className="inline-flex items-center gap-1.5">
          <span className="size-2.5 rounded-sm bg-brand-500" aria-hidden /> Unique clicks
        </span>
        <span className="inline-flex items-center gap-1.5">
          <span className="size-2.5 rounded-sm bg-brand-200" aria-hidden /> Repeat clicks
        </span>
        <span className="inline-flex items-center gap-1.5">
          <span className="size-2.5 rounded-full bg-amber-500" aria-hidden /> Lead
        </span>
        <span className="inline-flex items-center gap-1.5">
          <span className="size-2.5 rounded-full bg-emerald-500" aria-hidden /> Sale
        </span>
      </figcaption>
      <table className="sr-only">
        <caption>Clicks and conversions per day</caption>
        <thead>
          <tr>
            <th>Day</th>
            <th>Clicks</th>
            <th>Unique</th>
            <th>Leads</th>
            <th>Sales</th>
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.day}>
              <td>{d.day}</td>
              <td>{d.clicks}</td>
              <td>{d.uniqueClicks}</td>
              <td>{d.leads}</td>
              <td>{d.sales}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export function Stat({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div className="grid gap-0.5">
      <span className="text-xs text-slate-500">{label}</span>
      <span className="text-base font-semibold tabular-nums text-slate-900">{typeof value === 'number' ? formatNumber(value) : value}</span>
    </div>
  );
}
