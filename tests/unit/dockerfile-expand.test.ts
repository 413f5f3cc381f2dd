// Variable substitution as BuildKit's shell lexer does it (ProcessWord / ProcessWords), including
// its error messages, and the expansions the builder applies to parsed instructions.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EXPANDED_FLAGS,
  EXPANDED_INSTRUCTIONS,
  ExpansionError,
  expandHeredocBody,
  expandWord,
  expandWords,
  parseDockerfile,
} from '../../web/src/engine/formats/dockerfile';
import type { Lookup } from '../../web/src/engine/formats/dockerfile';

const env =
  (vars: Record<string, string>): Lookup =>
  (name) =>
    Object.hasOwn(vars, name) ? vars[name] : undefined;

const vars = env({ PWD: '/home', SHELL: 'bash', EMPTY: '', SPACED: '  ab c  ', KOREAN: '한국어' });
const word = (text: string, escape?: string) => expandWord(text, vars, escape);
const words = (text: string) => expandWords(text, vars);

function failure(text: string, lookup: Lookup = vars): string {
  try {
    expandWord(text, lookup);
  } catch (err) {
    if (err instanceof ExpansionError) return err.message;
    throw err;
  }
  throw new Error(`expected ${text} to fail`);
}

describe('expandWord: variables', () => {
  it('substitutes $NAME and ${NAME}; unset is empty', () => {
    expect(word('he$PWD')).toBe('he/home');
    expect(word('he${PWD}xx')).toBe('he/homexx');
    expect(word('$PWD.$SHELL-${KOREAN}')).toBe('/home.bash-한국어');
    expect(word('he${NOPE}xx')).toBe('hexx');
    expect(word('$NOPE')).toBe('');
  });

  it('reads names of letters, digits and underscores only', () => {
    expect(word('$PWD/sub')).toBe('/home/sub');
    expect(word('he$pwd.')).toBe('he.'); // names are case-sensitive
    expect(word('$.')).toBe('$.');
    expect(word('cost: $')).toBe('cost: $');
  });

  it('treats positional and special parameters as unset', () => {
    expect(word('he$1x')).toBe('hex');
    expect(word('$999aaa')).toBe('aaa');
    expect(word('$@@@')).toBe('@@');
    expect(word('${#:-bbb}')).toBe('bbb');
    expect(word('$$')).toBe('');
  });

  it('handles each modifier for set, empty and unset variables', () => {
    const cases: Array<[string, string, string, string]> = [
      // modifier, when set (PWD), when empty (EMPTY), when unset (NOPE)
      [':-d', '/home', 'd', 'd'],
      ['-d', '/home', '', 'd'],
      [':+a', 'a', '', ''],
      ['+a', 'a', 'a', ''],
    ];
    for (const [modifier, set, empty, unset] of cases) {
      expect([word(`\${PWD${modifier}}`), word(`\${EMPTY${modifier}}`), word(`\${NOPE${modifier}}`)], modifier).toEqual([set, empty, unset]);
    }
    expect(word('${PWD:?must be set}')).toBe('/home');
    expect(word('${EMPTY?must be set}')).toBe('');
  });

  it('expands inside modifier words, nested', () => {
    expect(word('he${NOPE:-$PWD}xx')).toBe('he/homexx');
    expect(word('he${X:-${Y:-yyy}}xx')).toBe('heyyyxx');
    expect(word('he${PWD:+${SHELL}}xx')).toBe('hebashxx');
    expect(word('he${NOPE:-\\$PWD:}xx')).toBe('he$PWD:xx');
    expect(word('${aaa:-bbb}}')).toBe('bbb}');
    expect(word('something-${V}.${OS}-${ARCH}${VARIANT:+-${VARIANT}}.tar.gz')).toBe('something-.-.tar.gz');
  });

  it('removes prefixes and suffixes by shell pattern', () => {
    const path = env({ P: '/usr/local/lib/file.tar.gz', F: 'xxyy' });
    const e = (text: string) => expandWord(text, path);
    expect(e('${P#*/}')).toBe('usr/local/lib/file.tar.gz');
    expect(e('${P##*/}')).toBe('file.tar.gz');
    expect(e('${P%.*}')).toBe('/usr/local/lib/file.tar');
    expect(e('${P%%.*}')).toBe('/usr/local/lib/file');
    expect(e('${F#?x}')).toBe('yy');
    expect(e('${F%nomatch}')).toBe('xxyy');
    expect(e('${F#}')).toBe('xxyy');
  });

  it('replaces the first or every match of a pattern', () => {
    const e = (text: string) => expandWord(text, env({ URL: 'http://a/b/c', S: 'a.b.c' }));
    expect(e('${URL/http:/https:}')).toBe('https://a/b/c');
    expect(e('${URL//\\//_}')).toBe('http:__a_b_c');
    expect(e('${S//./-}')).toBe('a-b-c');
    expect(e('${S/?/X}')).toBe('X.b.c');
    expect(e('${NOPE/a/b}')).toBe('');
  });
});

describe('expandWord: quotes and escapes', () => {
  it('removes quotes; single quotes are literal, double quotes still expand', () => {
    expect(word('he\'ll\'o')).toBe('hello');
    expect(word("'he${PWD}'")).toBe('he${PWD}');
    expect(word('"he${PWD}"')).toBe('he/home');
    expect(word('"he\'$PWD\'"')).toBe("he'/home'");
    expect(word('"\'\'"')).toBe("''");
    expect(word('"a  b"')).toBe('a  b');
  });

  it('applies the escape outside quotes to any character, inside double quotes only to " $ and itself', () => {
    expect(word('he\\$PWD')).toBe('he$PWD');
    expect(word('he\\\\$PWD')).toBe('he\\/home');
    expect(word('abc\\tdef')).toBe('abctdef');
    expect(word('"abc\\tdef"')).toBe('abc\\tdef');
    expect(word('"a\\"b"')).toBe('a"b');
    expect(word("'hello\\'")).toBe('hello\\');
    expect(word('hello\\')).toBe('hello');
  });

  it('uses the Dockerfile escape character', () => {
    expect(word('C:\\app\\bin;`$PWD', '`')).toBe('C:\\app\\bin;$PWD');
    expect(word('"C:\\app\\bin;${PWD}"', '`')).toBe('C:\\app\\bin;/home');
  });

  it('keeps spaces, including those of variable values', () => {
    expect(word('a  ${SPACED}  b')).toBe('a    ab c    b');
  });
});

describe('expandWord: errors, worded as BuildKit', () => {
  it('reports required variables', () => {
    expect(failure('${NOPE:?}')).toBe('failed to process "${NOPE:?}": NOPE: is not allowed to be unset');
    expect(failure('${NOPE?}')).toBe('failed to process "${NOPE?}": NOPE: is not allowed to be unset');
    expect(failure('${EMPTY:?}')).toBe('failed to process "${EMPTY:?}": EMPTY: is not allowed to be empty');
    expect(failure('${TOKEN:?set --build-arg TOKEN=$PWD}')).toBe('failed to process "${TOKEN:?set --build-arg TOKEN=$PWD}": TOKEN: set --build-arg TOKEN=/home');
  });

  it('reports syntax errors', () => {
    expect(failure('he${PWD')).toBe('failed to process "he${PWD": unsupported modifier (\ufffd) in substitution');
    expect(failure('${')).toBe('failed to process "${": syntax error: missing \'}\'');
    expect(failure('${aaa:-bbb')).toBe('failed to process "${aaa:-bbb": syntax error: missing \'}\'');
    expect(failure('${}')).toBe('failed to process "${}": syntax error: bad substitution');
    expect(failure('${:-x}')).toBe('failed to process "${:-x}": syntax error: bad substitution');
    expect(failure('${X=1}')).toBe('failed to process "${X=1}": unsupported modifier (=) in substitution');
    expect(failure('${X:=1}')).toBe('failed to process "${X:=1}": unsupported modifier (:=) in substitution');
    expect(failure('${X:#a}')).toBe('failed to process "${X:#a}": unsupported modifier (:#) in substitution');
    expect(failure('${X.}')).toBe('failed to process "${X.}": unsupported modifier (.) in substitution');
    expect(failure('${X//a}')).toBe('failed to process "${X//a}": syntax error: missing \'/\' in ${}');
    expect(failure('${PWD#\\x}')).toBe('failed to process "${PWD#\\\\x}": invalid pattern (\\x) in substitution: invalid escape \'\\x\'');
  });

  it('reports unterminated quotes', () => {
    expect(failure('"hello')).toBe('failed to process "\\"hello": unexpected end of statement while looking for matching double-quote');
    expect(failure("'hello")).toBe('failed to process "\'hello": unexpected end of statement while looking for matching single-quote');
    expect(failure('he\\\\\'llo')).toBe('failed to process "he\\\\\\\\\'llo": unexpected end of statement while looking for matching single-quote');
  });

  it('throws ExpansionError', () => {
    expect(() => word('${A:?}')).toThrow(ExpansionError);
  });
});

describe('expandWords', () => {
  it('splits on unquoted whitespace after expansion', () => {
    expect(words('hello there   ')).toEqual(['hello', 'there']);
    expect(words('80/tcp ${NOPE} 443')).toEqual(['80/tcp', '443']);
    expect(words('hello${SPACED}bye')).toEqual(['hello', 'ab', 'c', 'bye']);
    expect(words('hello"${SPACED}"bye')).toEqual(['hello  ab c  bye']);
    expect(words('a\\ b "c d" \'e f\'')).toEqual(['a b', 'c d', 'e f']);
    expect(words('hello\\" there')).toEqual(['hello"', 'there']);
    expect(words('')).toEqual([]);
  });

  it('throws the same errors', () => {
    expect(() => words('hello" there')).toThrow('failed to process "hello\\" there": unexpected end of statement while looking for matching double-quote');
  });
});

describe('lexer options', () => {
  it('keepUnset leaves unknown references as written', () => {
    const none: Lookup = () => undefined;
    expect(expandWord('$A ${B} ${C:-x} ${D/a/b}', none, '\\', { keepUnset: true })).toBe('$A ${B} ${C:-x} ${D/a/b}');
    expect(expandWord('$PWD $A', vars, '\\', { keepUnset: true })).toBe('/home $A');
  });

  it('rawQuotes and rawEscapes keep the quoting characters', () => {
    expect(expandWord('echo "a $PWD" \'b\'', vars, '\\', { rawQuotes: true })).toBe('echo "a /home" \'b\'');
    expect(expandWord('a\\ b', vars, '\\', { rawEscapes: true })).toBe('a\\ b');
  });

  it('expandHeredocBody expands $ but leaves quotes alone', () => {
    expect(expandHeredocBody('Welcome "${USER_NAME}" to \'$PWD\'\n\\$HOME stays\n', env({ USER_NAME: 'ann', PWD: '/w' }))).toBe(
      'Welcome "ann" to \'/w\'\n$HOME stays\n',
    );
  });
});

describe('what the builder expands', () => {
  it('lists the instructions and flags Docker expands', () => {
    expect([...EXPANDED_INSTRUCTIONS].sort()).toEqual(['ADD', 'ARG', 'COPY', 'ENV', 'EXPOSE', 'FROM', 'LABEL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);
    for (const kind of ['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'HEALTHCHECK', 'MAINTAINER', 'ONBUILD'] as const) {
      expect(EXPANDED_INSTRUCTIONS.has(kind), kind).toBe(false);
    }
    expect(EXPANDED_FLAGS.COPY).toEqual(['chown', 'chmod']);
    expect(EXPANDED_FLAGS.COPY).not.toContain('from');
  });

  it('expands parsed ENV values the way a build would', () => {
    const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', 'dockerfiles', name), 'utf8');
    const awkward = parseDockerfile(fixture('awkward.Dockerfile'));
    const envs = awkward.stages[0]!.instructions.filter((i) => i.kind === 'ENV');
    const expanded = envs.flatMap((i) => (i.kind === 'ENV' ? i.pairs.map(([k, v]) => [k, expandWord(v, vars, awkward.escape)]) : []));
    expect(expanded).toEqual([
      ['GREETING', 'hello   world'],
      ['A', '1'],
      ['B', 'two words'],
      ['C', 'three words'],
    ]);

    const windows = parseDockerfile(fixture('windows.Dockerfile'));
    const path = windows.stages[0]!.instructions.find((i) => i.kind === 'ENV');
    expect(path?.kind === 'ENV' && expandWord(path.pairs[0]![1], env({ PATH: 'C:\\Windows' }), windows.escape)).toBe('C:\\app\\bin;C:\\Windows');
  });

  it('expands global ARGs into FROM', () => {
    const df = parseDockerfile(readFileSync(join(import.meta.dirname, 'fixtures', 'dockerfiles', 'node-app.Dockerfile'), 'utf8'));
    const globals = Object.fromEntries(df.globalArgs.flatMap((a) => a.args.map((arg) => [arg.name, arg.default ?? ''])));
    expect(df.stages.map((s) => expandWord(s.from.image, env(globals)))).toEqual(['node:20-alpine', 'node:20-alpine']);
  });
});
