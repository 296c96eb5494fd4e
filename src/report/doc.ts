/**
 * A tiny document model rendered twice, to Markdown and to a self-contained HTML page (inline CSS; images
 * either referenced by relative path or embedded as base64 `data:` URLs). Text may use two inline Markdown
 * forms, `` `code` `` and `**bold**`, which the HTML renderer converts; everything else is escaped.
 */

/** One block of a report. */
export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: readonly string[] }
  /** A Markdown pipe table (header, separator, rows), as `src/metrics/table.ts` formats them. */
  | { kind: 'table'; markdown: string }
  /** An image file relative to the report folder, with a caption. */
  | { kind: 'image'; path: string; caption: string };

/** Escapes `& < > " '` for HTML text and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Escaped text with `` `code` `` and `**bold**` turned into `<code>` and `<strong>`. */
export function inlineHtml(s: string): string {
  return escapeHtml(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

/** Splits a Markdown table line into cells: unescaped `|` separate cells, `\|` is a literal bar. */
export function tableCells(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  return s.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

/**
 * Converts a Markdown pipe table (header line, `---` separator, rows) to an HTML `<table>`; cells that look
 * numeric (`85.20`, `85.20±1.03`, `nan`, `inf`) are right-aligned. Non-table text gives an empty string.
 */
export function markdownTableToHtml(md: string): string {
  const lines = md.split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 2) return '';
  const head = tableCells(lines[0]!);
  const rows = lines.slice(2).map(tableCells);
  const value = '(-?(\\d+(\\.\\d+)?|inf)|nan)';
  const numericRe = new RegExp(`^${value}(±${value})?%?$`);
  const numeric = (c: string) => numericRe.test(c);
  const th = head.map((h) => `<th>${inlineHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c) => (numeric(c) ? `<td class="num">${inlineHtml(c)}</td>` : `<td>${inlineHtml(c)}</td>`)).join('')}</tr>`,
    )
    .join('\n');
  return `<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** Markdown of the blocks, separated by blank lines, with a trailing newline. */
export function renderMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.kind === 'heading') out.push(`${'#'.repeat(b.level)} ${b.text}`);
    else if (b.kind === 'paragraph') out.push(b.text);
    else if (b.kind === 'list') out.push(b.items.map((i) => `- ${i}`).join('\n'));
    else if (b.kind === 'table') out.push(b.markdown.trimEnd());
    else out.push(`![${b.caption.replace(/[[\]]/g, '')}](${encodeURI(b.path)})\n\n*${b.caption}*`);
  }
  return `${out.join('\n\n')}\n`;
}

const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; max-width: 1100px;
  padding: 0 1rem; color: #1a1a1a; line-height: 1.45; }
h1 { border-bottom: 2px solid #ddd; padding-bottom: .3rem; }
h2 { margin-top: 2.2rem; border-bottom: 1px solid #eee; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .92rem; }
th, td { border: 1px solid #ccc; padding: .3rem .6rem; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafafa; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: .9rem; color: #555; }
code { background: #f3f3f3; padding: 0 .2rem; border-radius: 3px; }
`.trim();

/**
 * A complete HTML page of the blocks with inline CSS.
 *
 * @param images - when given, image blocks are embedded as `data:image/png;base64` URLs from this map (keyed
 *   by the block's path); otherwise they are referenced by their relative path.
 */
export function renderHtml(
  title: string,
  blocks: readonly Block[],
  images?: ReadonlyMap<string, Uint8Array>,
): string {
  const body: string[] = [];
  for (const b of blocks) {
    if (b.kind === 'heading') body.push(`<h${b.level}>${inlineHtml(b.text)}</h${b.level}>`);
    else if (b.kind === 'paragraph') body.push(`<p>${inlineHtml(b.text)}</p>`);
    else if (b.kind === 'list')
      body.push(`<ul>\n${b.items.map((i) => `<li>${inlineHtml(i)}</li>`).join('\n')}\n</ul>`);
    else if (b.kind === 'table') body.push(markdownTableToHtml(b.markdown));
    else {
      const data = images?.get(b.path);
      const src =
        data === undefined
          ? encodeURI(b.path)
          : `data:image/png;base64,${Buffer.from(data).toString('base64')}`;
      body.push(
        `<figure><img src="${escapeHtml(src)}" alt="${escapeHtml(b.caption)}"><figcaption>${inlineHtml(b.caption)}</figcaption></figure>`,
      );
    }
  }
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
