import * as React from 'react';
import { cn } from '../lib/cn';

/**
 * Renders a small, safe subset of Markdown (headings, paragraphs, lists, bold, italics,
 * inline code, links) as React elements. No HTML is ever injected: text stays text.
 * Used for rules of engagement when the server has no rendered version to show.
 */
export function Markdown({ source, className }: { source: string; className?: string }) {
  const blocks = React.useMemo(() => parseBlocks(source), [source]);
  return (
    <div className={cn('grid gap-3 text-sm leading-relaxed text-slate-700', className)}>
      {blocks.map((block, index) => {
        const key = `${block.kind}-${index}`;
        if (block.kind === 'heading') {
          const Tag = (['h3', 'h3', 'h4', 'h5'] as const)[Math.min(block.level - 1, 3)] ?? 'h5';
          return (
            <Tag key={key} className={cn('font-semibold text-slate-900', block.level <= 2 ? 'text-base' : 'text-sm')}>
              {inline(block.text)}
            </Tag>
          );
        }
        if (block.kind === 'list') {
          const List = block.ordered ? 'ol' : 'ul';
          return (
            <List key={key} className={cn('grid gap-1 pl-5', block.ordered ? 'list-decimal' : 'list-disc')}>
              {block.items.map((item, itemIndex) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: static content
                <li key={itemIndex}>{inline(item)}</li>
              ))}
            </List>
          );
        }
        return <p key={key}>{inline(block.text)}</p>;
      })}
    </div>
  );
}

type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'paragraph'; text: string };

function parseBlocks(source: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
    paragraph = [];
    if (list) blocks.push({ kind: 'list', ...list });
    list = null;
  };
  for (const raw of source.replaceAll('\r\n', '\n').split('\n')) {
    const line = raw.trim();
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\d+[.)]\s+(.*)$/.exec(line);
    if (!line) {
      flush();
    } else if (heading) {
      flush();
      blocks.push({ kind: 'heading', level: heading[1]?.length ?? 1, text: heading[2] ?? '' });
    } else if (bullet || numbered) {
      const ordered = Boolean(numbered);
      if (paragraph.length || (list && list.ordered !== ordered)) flush();
      list ??= { ordered, items: [] };
      list.items.push((bullet?.[1] ?? numbered?.[1] ?? '').trim());
    } else if (list && raw.startsWith('  ')) {
      const last = list.items.length - 1;
      list.items[last] = `${list.items[last]} ${line}`;
    } else {
      if (list) flush();
      paragraph.push(line);
    }
  }
  flush();
  return blocks;
}

const INLINE = /(\*\*[^*]+\*\*|__[^_]+__|\*[^*]+\*|_[^_]+_|`[^`]+`|\[[^\]]+\]\([^)\s]+\))/g;

function inline(text: string): React.ReactNode[] {
  return text.split(INLINE).map((part, index) => {
    const key = `${index}`;
    if (/^(\*\*|__).+\1$/.test(part)) return <strong key={key}>{part.slice(2, -2)}</strong>;
    if (/^`.+`$/.test(part))
      return (
        <code key={key} className="rounded bg-slate-100 px-1 py-0.5 text-[13px]">
          {part.slice(1, -1)}
        </code>
      );
    const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(part);
    if (link) {
      const href = link[2] ?? '';
      // Only web and mail links; anything else (javascript:, data:) stays plain text.
      if (!/^(https?:|mailto:)/i.test(href)) return <span key={key}>{link[1]}</span>;
      return (
        <a key={key} href={href} target="_blank" rel="noreferrer noopener" className="text-brand-700 underline">
          {link[1]}
        </a>
      );
    }
    if (/^(\*|_).+\1$/.test(part)) return <em key={key}>{part.slice(1, -1)}</em>;
    return part;
  });
}
