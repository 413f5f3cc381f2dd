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

/** `refused` collects the links dropped as unsafe (so a lesson's author can be told). */
export function parseInline(text: string, refused?: string[]): Inline[] {
  const out: Inline[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index! > last) out.push({ kind: 'text', text: text.slice(last, m.index) });
    if (m[1] !== undefined) out.push({ kind: 'code', text: m[1] });
    else if (m[2] !== undefined) out.push({ kind: 'strong', text: m[2] });
    else if (m[3] !== undefined) out.push({ kind: 'em', text: m[3] });
    else if (SAFE_HREF.test(m[5]!)) out.push({ kind: 'link', text: m[4]!, href: m[5]! });
    else {
      out.push({ kind: 'text', text: m[4]! }); // a javascript: or data: link stays plain text
      refused?.push(m[5]!);
    }
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

const ITEM = /^\s*([-*]|\d+\.)\s+(.*)$/;

export function parseMarkdown(source: string): Block[] {
  return parseMarkdownLines(source).map((b) => b.block);
}

/**
 * The blocks with the (0-based) line each starts on and the links dropped from each, for format
 * errors that name the line.
 */
export function parseMarkdownLines(source: string): { block: Block; line: number; refusedLinks: string[] }[] {
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  const found: { block: Block; line: number; refusedLinks: string[] }[] = [];
  const refused: string[] = [];
  const inline = (text: string) => parseInline(text, refused);
  let paragraph: string[] = [];
  let paragraphStart = 0;
  const flush = () => {
    if (paragraph.length) found.push({ block: { kind: 'paragraph', inlines: inline(paragraph.join(' ')) }, line: paragraphStart, refusedLinks: refused.splice(0) });
    paragraph = [];
  };
  /** The last line of the list item before, to tell one list from two. */
  let listEnd = -2;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const start = i;
    const push = (block: Block) => found.push({ block, line: start, refusedLinks: refused.splice(0) });
    const fence = /^```\s*(.*)$/.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
      push({ kind: 'code', info: fence[1]!.trim(), text: body.join('\n') });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      push({ kind: 'heading', level: heading[1]!.length, inlines: inline(heading[2]!) });
      continue;
    }
    const item = ITEM.exec(line);
    if (item) {
      flush();
      const ordered = /\d/.test(item[1]!);
      const previous = found.at(-1)?.block;
      // An item goes on over the lines that follow it (indented or not) until a blank line,
      // another item or another kind of block.
      const text = [item[2]!];
      for (; i + 1 < lines.length && lines[i + 1]!.trim() && !ITEM.test(lines[i + 1]!) && !/^(```|#{1,6}\s|>)/.test(lines[i + 1]!.trimStart()); i++) text.push(lines[i + 1]!.trim());
      if (previous?.kind === 'list' && previous.ordered === ordered && listEnd === start - 1) {
        previous.items.push(inline(text.join(' ')));
        found.at(-1)!.refusedLinks.push(...refused.splice(0));
      } else push({ kind: 'list', ordered, items: [inline(text.join(' '))] });
      listEnd = i;
      continue;
    }
    if (line.startsWith('>')) {
      flush();
      const quote: string[] = [];
      for (; i < lines.length && lines[i]!.startsWith('>'); i++) quote.push(lines[i]!.replace(/^>\s?/, ''));
      i--;
      push({ kind: 'quote', inlines: inline(quote.join(' ')) });
      continue;
    }
    if (!line.trim()) flush();
    else {
      if (!paragraph.length) paragraphStart = i;
      paragraph.push(line.trim());
    }
  }
  flush();
  return found;
}
