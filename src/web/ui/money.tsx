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
