// A small Markdown subset for lessons, parsed into data that Svelte renders as text nodes: no
// HTML from a lesson (or a demo file) ever reaches innerHTML, so none can run. Supported:
// headings, paragraphs, fenced code, lists, block quotes, `code`, **bold**, *emphasis* and
// [links](https://…) (http(s) and relative links only).

export type Inline =
  | { kind: 'text' | 'code' | 'strong' | 'em'; text: string }
  | { kind: 'link'; text: string; href: string };

export type Block =
  | { kind: 'heading'; level: number; inlines: Inline[] }
  | { kind: 'paragraph'; inlines: Inline[] }
  | { kind: 'code'; info: string; text: string }
  | { kind: 'list'; ordered: boolean; items: Inline[][] }
  | { kind: 'quote'; inlines: Inline[] };

const SAFE_HREF = /^(https?:\/\/|\.{0,2}\/|#)[^\s]*$/;

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index! > last) out.push({ kind: 'text', text: text.slice(last, m.index) });
    if (m[1] !== undefined) out.push({ kind: 'code', text: m[1] });
    else if (m[2] !== undefined) out.push({ kind: 'strong', text: m[2] });
    else if (m[3] !== undefined) out.push({ kind: 'em', text: m[3] });
    else if (SAFE_HREF.test(m[5]!)) out.push({ kind: 'link', text: m[4]!, href: m[5]! });
    else out.push({ kind: 'text', text: m[4]! }); // a javascript: or data: link stays plain text
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

const ITEM = /^\s*([-*]|\d+\.)\s+(.*)$/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: 'paragraph', inlines: parseInline(paragraph.join(' ')) });
    paragraph = [];
  };
  /** The last line of the list item before, to tell one list from two. */
  let listEnd = -2;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const start = i;
    const fence = /^```\s*(.*)$/.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
      blocks.push({ kind: 'code', info: fence[1]!.trim(), text: body.join('\n') });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: 'heading', level: heading[1]!.length, inlines: parseInline(heading[2]!) });
      continue;
    }
    const item = ITEM.exec(line);
    if (item) {
      flush();
      const ordered = /\d/.test(item[1]!);
      const previous = blocks.at(-1);
      // An item goes on over the lines that follow it (indented or not) until a blank line,
      // another item or another kind of block.
      const text = [item[2]!];
      for (; i + 1 < lines.length && lines[i + 1]!.trim() && !ITEM.test(lines[i + 1]!) && !/^(```|#{1,6}\s|>)/.test(lines[i + 1]!.trimStart()); i++) text.push(lines[i + 1]!.trim());
      if (previous?.kind === 'list' && previous.ordered === ordered && listEnd === start - 1) previous.items.push(parseInline(text.join(' ')));
      else blocks.push({ kind: 'list', ordered, items: [parseInline(text.join(' '))] });
      listEnd = i;
      continue;
    }
    if (line.startsWith('>')) {
      flush();
      const quote: string[] = [];
      for (; i < lines.length && lines[i]!.startsWith('>'); i++) quote.push(lines[i]!.replace(/^>\s?/, ''));
      i--;
      blocks.push({ kind: 'quote', inlines: parseInline(quote.join(' ')) });
      continue;
    }
    if (!line.trim()) flush();
    else paragraph.push(line.trim());
  }
  flush();
  return blocks;
}
