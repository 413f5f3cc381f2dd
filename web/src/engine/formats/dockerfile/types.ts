// The Dockerfile as the parser hands it to the builder: pure data, nothing expanded yet.
// Variable substitution depends on ARG/ENV values known only while building, so words keep
// their quotes and `$` references here; `expandWord` (expand.ts) resolves them as Docker does.

/** Where an instruction sits in the file (1-based, inclusive), for errors and step names. */
export interface SourceRange {
  startLine: number;
  endLine: number;
}

/** A here-document attached to RUN/COPY/ADD (`RUN <<EOF` … `EOF`). */
export interface Heredoc {
  name: string;
  /** The body, lines joined with "\n", with a final "\n". */
  content: string;
  /** `<<-EOF` strips leading tabs (already done in content). */
  chomp: boolean;
  /** `<<'EOF'` / `<<"EOF"`: no expansion in the body. */
  expand: boolean;
}

/** RUN, CMD, ENTRYPOINT, HEALTHCHECK CMD: shell form (text) or exec form (JSON array). */
export type CommandForm =
  | { form: 'shell'; text: string; heredocs: Heredoc[] }
  | { form: 'exec'; argv: string[] };

/** `--name=value` flags given to an instruction (e.g. COPY --from=build --chown=1:1). */
export type InstructionFlags = Record<string, string>;

interface Base {
  range: SourceRange;
  /** The instruction as written, continuations joined into one line (BuildKit names steps so). */
  original: string;
  flags: InstructionFlags;
  /**
   * Every value of a flag that may be repeated (COPY/ADD --exclude, RUN --mount, RUN --device),
   * in order; `flags` holds only the last one. Absent when no such flag was given.
   */
  flagLists?: Record<string, string[]>;
}

export type Instruction =
  | (Base & { kind: 'FROM'; image: string; stage?: string })
  | (Base & { kind: 'RUN'; command: CommandForm })
  | (Base & { kind: 'CMD'; command: CommandForm })
  | (Base & { kind: 'ENTRYPOINT'; command: CommandForm })
  | (Base & { kind: 'COPY' | 'ADD'; sources: string[]; dest: string; heredocs: Heredoc[] })
  | (Base & { kind: 'WORKDIR'; path: string })
  /** ENV/LABEL pairs: names and values still raw (quotes, `$`), expanded by the builder. */
  | (Base & { kind: 'ENV' | 'LABEL'; pairs: Array<[string, string]> })
  | (Base & { kind: 'ARG'; args: Array<{ name: string; default?: string }> })
  | (Base & { kind: 'EXPOSE'; ports: string[] })
  | (Base & { kind: 'USER'; user: string })
  | (Base & { kind: 'VOLUME'; paths: string[] })
  | (Base & { kind: 'SHELL'; shell: string[] })
  | (Base & { kind: 'STOPSIGNAL'; signal: string })
  | (Base & { kind: 'MAINTAINER'; name: string })
  | (Base & {
      kind: 'HEALTHCHECK';
      /** null for HEALTHCHECK NONE. Durations as Go duration strings, e.g. "30s". */
      check: null | { command: CommandForm; interval?: string; timeout?: string; startPeriod?: string; startInterval?: string; retries?: number };
    })
  | (Base & {
      kind: 'ONBUILD';
      trigger: Instruction;
      /** The trigger as Docker stores it in the image config's OnBuild list (heredoc bodies appended). */
      expression?: string;
    });

export interface Dockerfile {
  /** ARG instructions before the first FROM (global build args). */
  globalArgs: Array<Extract<Instruction, { kind: 'ARG' }>>;
  stages: Array<{ from: Extract<Instruction, { kind: 'FROM' }>; instructions: Instruction[] }>;
  /** The escape character in effect (`# escape=` directive), "\\" by default. */
  escape: string;
  /** The `# syntax=` directive, if given (accepted, not acted on). */
  syntax?: string;
  /** Non-fatal findings BuildKit reports as warnings (e.g. empty continuation lines). */
  warnings: Array<{ line: number; message: string }>;
}

/** A parse failure, worded as BuildKit words it; `line` is 1-based. */
export class DockerfileParseError extends Error {
  override name = 'DockerfileParseError';
  constructor(
    readonly detail: string,
    readonly line: number,
  ) {
    super(`dockerfile parse error on line ${line}: ${detail}`);
  }
}
