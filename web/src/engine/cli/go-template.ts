// The parse step of Go's text/template for `--format`: a template is checked as Go parses it
// before anything is printed, so a broken one fails the way `docker` fails, with Go's message
// (`template: :1: unclosed action`). Rendering stays in inspect.ts's applyFormat. Pure code.

/** The functions a Docker `--format` template may call: Go's built-ins and the CLI's own. */
const FUNCTIONS = new Set([
  'and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery',
  'eq', 'ge', 'gt', 'le', 'lt', 'ne',
  'json', 'split', 'join', 'title', 'lower', 'upper', 'pad', 'truncate',
]);
const CONSTANTS = new Set(['true', 'false', 'nil']);
const OPENERS = new Set(['if', 'range', 'with', 'define', 'block']);

export class TemplateSyntaxError extends Error {
  override name = 'TemplateSyntaxError';
}

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** Go's %#U of a character: U+007D '}'. */
function unicodeName(c: string): string {
  const code = c.codePointAt(0)!;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}${code >= 0x20 && code !== 0x7f ? ` '${c}'` : ''}`;
}

interface Token {
  kind: 'word' | 'field' | 'string' | 'number' | 'variable' | 'pipe' | 'paren' | 'char' | 'assign';
  text: string;
}

/** Throws Go's parse error for the template, or returns when Go would accept it. */
export function checkTemplate(template: string): void {
  let line = 1;
  const fail = (message: string): never => {
    throw new TemplateSyntaxError(`template: :${line}: ${message}`);
  };
  const stack: string[] = [];
  let at = 0;
  while (at < template.length) {
    const open = template.indexOf('{{', at);
    if (open < 0) break;
    line += (template.slice(at, open).match(/\n/g) ?? []).length;
    at = open + 2;
    if (template[at] === '-' && isSpace(template[at + 1] ?? '')) at += 2;
    while (isSpace(template[at] ?? '')) at++;
    if (template.startsWith('/*', at)) {
      const close = template.indexOf('*/', at + 2);
      if (close < 0) fail('unclosed comment');
      line += (template.slice(at, close).match(/\n/g) ?? []).length;
      at = close + 2;
      const rest = /^(?: -)?\}\}/.exec(template.slice(at));
      if (!rest) fail('comment ends before closing delimiter');
      at += rest![0].length;
      continue;
    }
    const tokens: Token[] = [];
    let depth = 0;
    for (;;) {
      if (template.startsWith('}}', at) || template.startsWith(' -}}', at)) {
        at += template.startsWith('}}', at) ? 2 : 4;
        break;
      }
      const c = template[at];
      if (c === undefined) {
        // Go's parser meets a stray character before the lexer reaches the end.
        const stray = tokens.find((t) => t.kind === 'char');
        fail(stray ? `unexpected ${describe(stray)} in operand` : 'unclosed action');
      }
      if (isSpace(c!)) {
        if (c === '\n') line++;
        at++;
        continue;
      }
      if (c === '"' || c === '`' || c === "'") {
        let end = at + 1;
        while (end < template.length && template[end] !== c) {
          if (c !== '`' && template[end] === '\\') end++;
          if (c !== '`' && template[end] === '\n') break;
          end++;
        }
        if (end >= template.length || template[end] !== c) {
          fail(c === '"' ? 'unterminated quoted string' : c === '`' ? 'unterminated raw quoted string' : 'unterminated character constant');
        }
        tokens.push({ kind: 'string', text: template.slice(at, end + 1) });
        at = end + 1;
        continue;
      }
      const word = /^(?:\$[\w]*|\.[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*|\.|[-+]?\d[\w.+-]*|[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)/.exec(template.slice(at));
      if (word) {
        const text = word[0];
        tokens.push({ kind: text.startsWith('$') ? 'variable' : text.startsWith('.') ? 'field' : /^[-+\d]/.test(text) ? 'number' : 'word', text });
        at += text.length;
        continue;
      }
      at++;
      if (c === '|') tokens.push({ kind: 'pipe', text: c });
      else if (c === '(' || c === ')') {
        depth += c === '(' ? 1 : -1;
        if (depth < 0) fail('unexpected right paren');
        tokens.push({ kind: 'paren', text: c });
      } else if (c === '=' || (c === ':' && template[at] === '=')) {
        if (c === ':') at++;
        tokens.push({ kind: 'assign', text: c === ':' ? ':=' : '=' });
      } else if (c === ':') fail('expected :=');
      else if (c!.charCodeAt(0) < 0x7f && c!.charCodeAt(0) >= 0x20) tokens.push({ kind: 'char', text: c! });
      else fail(`unrecognized character in action: ${unicodeName(c!)}`);
    }
    checkAction(tokens, stack, fail, depth);
  }
  if (stack.length) fail('unexpected EOF');
}

function checkAction(tokens: Token[], stack: string[], fail: (message: string) => never, depth: number): void {
  const first = tokens[0];
  if (!first) fail('missing value for command');
  const keyword = first!.kind === 'word' ? first!.text : '';
  let rest = tokens;
  if (keyword === 'end' || keyword === 'else') {
    if (!stack.length || (keyword === 'else' && ['define', 'block'].includes(stack[stack.length - 1]!))) fail(`unexpected {{${keyword}}}`);
    if (keyword === 'end') stack.pop();
    if (keyword === 'end' && tokens.length > 1) fail(`unexpected ${describe(tokens[1]!)} in end`);
    // `{{else if …}}` / `{{else with …}}` carry a pipeline of their own.
    if (keyword === 'end' || tokens.length === 1) return;
    if (tokens[1]!.text !== 'if' && tokens[1]!.text !== 'with') fail(`unexpected ${describe(tokens[1]!)} in else`);
    rest = tokens.slice(2);
    if (!rest.length) fail(`missing value for ${tokens[1]!.text}`);
  } else if (OPENERS.has(keyword)) {
    stack.push(keyword);
    rest = tokens.slice(1);
    if (keyword === 'define' || keyword === 'block') {
      if (rest[0]?.kind !== 'string') fail(`unexpected ${rest[0] ? describe(rest[0]) : '"}}"'} in ${keyword} clause`);
      if (keyword === 'define') return;
      rest = rest.slice(1);
    }
    if (!rest.length) fail(`missing value for ${keyword}`);
  } else if (keyword === 'template') {
    if (tokens[1]?.kind !== 'string') fail(`unexpected ${tokens[1] ? describe(tokens[1]) : '"}}"'} in template clause`);
    rest = tokens.slice(2);
    if (!rest.length) return;
  } else if (keyword === 'break' || keyword === 'continue') {
    if (!stack.includes('range')) fail(`{{${keyword}}} outside {{range}}`);
    return;
  }
  if (depth > 0) fail('unclosed left paren');
  // Each command of the pipeline: its first word must be a function, a value or a field.
  let commandStart = true;
  for (const token of rest) {
    if (token.kind === 'char') fail(`unexpected ${describe(token)} in operand`);
    if (token.kind === 'pipe') {
      if (commandStart) fail('missing value for command');
      commandStart = true;
      continue;
    }
    if (token.kind === 'paren' || token.kind === 'assign') {
      commandStart = token.kind === 'paren' && token.text === '(';
      continue;
    }
    if (token.kind === 'word') {
      const name = token.text.split('.')[0]!;
      if (!FUNCTIONS.has(name) && !CONSTANTS.has(name) && !OPENERS.has(name)) fail(`function "${name}" not defined`);
    }
    commandStart = false;
  }
  if (commandStart && rest.length) fail('missing value for command');
}

function describe(token: Token): string {
  return token.kind === 'word' || token.kind === 'field' || token.kind === 'number' || token.kind === 'variable' ? `<${token.text}>` : JSON.stringify(token.text);
}
