// docker inspect: containers and images as JSON in Docker's shape (the fields Drydock has),
// with --format for Go-template paths such as '{{.State.Status}}' and '{{json .Config.Env}}'.
import { formatTable } from '../table';
import type { Command, CommandContext } from '../context';
import { checkTemplate, TemplateSyntaxError } from '../go-template';
import { StatusError } from '../flags';

export { containerJson, imageJson } from '../../api-types/inspect-json';
import { containerJson, imageJson } from '../../api-types/inspect-json';

/**
 * A small Go-template subset: {{.A.B}}, {{json .A}}, {{lower .A}}, {{upper .A}}, {{len .A}},
 * {{index .A "key"}}, and {{range .A}}…{{end}} over a list or a map's values (what
 * `docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}'` needs).
 */
export function applyFormat(format: string, value: unknown): string {
  try {
    checkTemplate(format);
  } catch (error) {
    // What the CLI's formatter says; `inspect` turns it into status 64 (printInspected).
    if (error instanceof TemplateSyntaxError) throw new StatusError(1, `template parsing error: ${error.message}`);
    throw error;
  }
  return render(format, value);
}

function render(format: string, value: unknown): string {
  // Comments print nothing.
  format = format.replace(/\{\{(?:- )?\/\*[\s\S]*?\*\/(?: -)?\}\}/g, '');
  const range = /\{\{\s*range\s+\.([\w.]*)\s*\}\}([\s\S]*?)\{\{\s*end\s*\}\}/g;
  const expanded = format.replace(range, (_, path: string, body: string) => {
    const v = lookup(value, path);
    const items = Array.isArray(v) ? v : v && typeof v === 'object' ? Object.keys(v).sort().map((k) => (v as Record<string, unknown>)[k]) : [];
    return items.map((item) => render(body, item)).join('');
  });
  return expanded.replace(/\{\{\s*(json|lower|upper|len|index)?\s*\.([\w.]*)\s*(?:"([^"]*)")?\s*\}\}/g, (_, fn: string | undefined, path: string, key: string | undefined) => {
    let v = lookup(value, path);
    if (fn === 'index') v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key ?? ''] : undefined;
    if (fn === 'json') return JSON.stringify(v ?? null);
    if (fn === 'len') return String(Array.isArray(v) || typeof v === 'string' ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0);
    const text = v === undefined || v === null ? '<no value>' : Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? `map[${Object.entries(v).map(([k, x]) => `${k}:${x}`).join(' ')}]` : String(v);
    return fn === 'lower' ? text.toLowerCase() : fn === 'upper' ? text.toUpperCase() : text;
  });
}

function lookup(value: unknown, path: string): unknown {
  let v: unknown = value;
  for (const key of path.split('.').filter(Boolean)) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

/**
 * `--format` of a list command (ps, images, …): a Go template per item, or `table …` with a
 * header made from the fields' column names.
 */
export function printListFormat<T>(io: CommandContext['io'], format: string, items: T[], fields: (item: T) => Record<string, unknown>, headers: Record<string, string>): void {
  format = format.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  if (format.startsWith('table')) {
    const columns = format.slice('table'.length).trim().split('\t');
    const header = columns.map((col) => col.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, f: string) => headers[f] ?? f.toUpperCase()));
    io.out(formatTable(header, items.map((item) => columns.map((col) => applyFormat(col, fields(item))))));
  } else {
    io.out(items.map((item) => `${applyFormat(format, fields(item))}\n`).join(''));
  }
}

/** What every `inspect` prints: each object through --format, or all of them as a JSON array. */
export function printInspected(io: CommandContext['io'], found: unknown[], status: number, format: string | undefined): number {
  if (format) {
    try {
      checkTemplate(format);
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      io.err(`template parsing error: ${error.message}\n`);
      return 64;
    }
    io.out(found.map((f) => `${applyFormat(format, f)}\n`).join(''));
  }
  else if (found.length || status === 0) io.out(`${JSON.stringify(found, null, 4)}\n`);
  return status;
}

export const inspect: Command = {
  name: 'inspect',
  usage: 'docker inspect [OPTIONS] NAME|ID [NAME|ID...]',
  description: 'Return low-level information on Docker objects',
  flags: [
    { long: 'format', short: 'f', kind: 'string', description: 'Format output using a custom template' },
    { long: 'type', kind: 'string', description: 'Return JSON for specified type' },
  ],
  minArgs: 1,
  async run({ io, daemon, args, flags }) {
    const found: unknown[] = [];
    let status = 0;
    for (const name of args) {
      const type = flags.type as string | undefined;
      // GET /containers/{name}/json first (a 404: not a container), then the image's.
      const container = type === 'image' ? undefined : await daemon.containerInspect(name).catch(() => undefined);
      try {
        if (container) found.push(containerJson(container));
        else if (type !== 'container') found.push(imageJson(await daemon.imageInspect(name)));
        else throw new Error(`No such container: ${name}`);
      } catch {
        io.err(`Error: No such object: ${name}\n`);
        status = 1;
      }
    }
    const format = flags.format as string | undefined;
    return printInspected(io, found, status, format);
  },
};
