// .env files as Compose reads them (its dotenv rules): comments, quotes and their escapes,
// values over several lines, `export`, `KEY: value`, variables in values, and the messages
// (with a line) for what it refuses — in the project's .env and in a service's env_file.
import { describe, expect, it } from 'vitest';
import { loadCompose, parseDotEnv } from '../../web/src/engine/formats/compose-file';

describe('.env files', () => {
  it('ends an unquoted value at " #" only, and a quoted one at its quote', () => {
    expect(parseDotEnv('A=x # note\nB=x#not-a-comment\nC="quoted" # note\nD=\'single\'   # note\nE=  padded  \n')).toEqual({
      A: 'x',
      B: 'x#not-a-comment',
      C: 'quoted',
      D: 'single',
      E: 'padded',
    });
  });

  it('reads double-quote escapes and keeps single quotes literal', () => {
    expect(parseDotEnv('A="tab\\there"\nB="line\\nbreak"\nC="back\\\\slash"\nD="say \\"hi\\""\nE=\'no\\nescape $X\'\nF=\'it\\\'s\'\n', () => 'x')).toEqual({
      A: 'tab\there',
      B: 'line\nbreak',
      C: 'back\\slash',
      D: 'say "hi"',
      E: 'no\\nescape $X',
      F: "it's",
    });
  });

  it('reads a quoted value over several lines', () => {
    expect(parseDotEnv('KEY="-----BEGIN-----\nabc\n-----END-----"\nNEXT=1\n')).toEqual({ KEY: '-----BEGIN-----\nabc\n-----END-----', NEXT: '1' });
    expect(parseDotEnv("S='one\ntwo'\n")).toEqual({ S: 'one\ntwo' });
  });

  it('takes `export KEY=…`, `KEY: value`, and a bare KEY from the environment', () => {
    const env = { FROM_ENV: 'outside' };
    expect(parseDotEnv('export A=1\nB: two\nFROM_ENV\nMISSING\n', (n) => env[n as keyof typeof env])).toEqual({ A: '1', B: 'two', FROM_ENV: 'outside' });
  });

  it('expands variables in unquoted and double-quoted values, from the environment then earlier keys', () => {
    expect(parseDotEnv('HOST=db\nURL=http://${HOST}:${PORT:-5432}\nQ="$HOST/x"\nS=\'$HOST\'\nD=\\$HOST\nE="\\$HOST"\n')).toEqual({
      HOST: 'db',
      URL: 'http://db:5432',
      Q: 'db/x',
      S: '$HOST',
      D: '\\db',
      E: '$HOST',
    });
    expect(parseDotEnv('A=${OUT}\n', (n) => (n === 'OUT' ? 'env wins' : undefined))).toEqual({ A: 'env wins' });
  });

  it('refuses an unterminated quote, a bad name and a space in a name, with the line', () => {
    expect(() => parseDotEnv('A=1\nB="open\nC=2\n')).toThrow('line 4: unterminated quoted value "open');
    expect(() => parseDotEnv('A=1\nB!=2\n')).toThrow('line 2: unexpected character "!" in variable name "B!=2"');
    expect(() => parseDotEnv('MY KEY=1\n')).toThrow('line 1: key cannot contain a space');
  });

  it("names the file of a mistake in a service's env_file, and skips a missing one that is not required", async () => {
    const files: Record<string, string> = { '/root/app/web.env': 'GOOD=1\nBAD="oops\n', '/root/app/ok.env': 'FROM_FILE=${TAG}\n' };
    const readFile = async (p: string) => files[p] ?? null;
    const text = (envFile: string) => `services:\n  web:\n    image: x\n${envFile}`;
    const load = (t: string) => loadCompose({ fileName: '/root/app/compose.yaml', text: t, env: { TAG: '7' }, projectDirectory: '/root/app' }, { readFile });
    await expect(load(text('    env_file: web.env\n'))).rejects.toThrow('failed to read /root/app/web.env: line 3: unterminated quoted value "oops');
    const project = await load(text('    env_file:\n      - path: ./ok.env\n      - path: ./absent.env\n        required: false\n'));
    expect(project.services[0]!.environment).toEqual({ FROM_FILE: '7' });
    await expect(load(text('    env_file: [absent.env]\n'))).rejects.toThrow('env file /root/app/absent.env not found: stat /root/app/absent.env: no such file or directory');
  });
});
