import { formatMoney } from './format';

/** An amount in minor units with its currency, e.g. <Money amountMinor="123450" currency="EUR" />. */
export function Money({
  amountMinor,
  currency,
  className,
}: {
  amountMinor: string | number | bigint;
  currency: string;
  className?: string;
}) {
  return (
    <span className={className ? `${className} tabular-nums` : 'tabular-nums'}>
      {formatMoney(amountMinor, currency)}
    </span>
  );
}

/** Money that may be absent (null → "—"). */
export function MoneyValue({
  value,
  className,
}: {
  value: { amountMinor?: string; currency?: string } | null | undefined;
  className?: string;
}) {
  if (!value || value.amountMinor === undefined || !value.currency) return <span className="text-slate-400">—</span>;
  return <Money amountMinor={value.amountMinor} currency={value.currency} className={className} />;
}
