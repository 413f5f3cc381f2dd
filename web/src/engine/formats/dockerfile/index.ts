// The Dockerfile format: parse the text into stages (parse.ts), then, while building, expand
// `$` references in the words Docker expands (expand.ts). Pure code, no I/O.

export type { CommandForm, Dockerfile, Heredoc, Instruction, InstructionFlags, SourceRange } from './types';
export { DockerfileParseError } from './types';
export { parseDockerfile, parseOnbuildTrigger } from './parse';
export {
  EXPANDED_FLAGS,
  EXPANDED_INSTRUCTIONS,
  ExpansionError,
  expandHeredocBody,
  expandWord,
  expandWords,
} from './expand';
export type { ExpandOptions, Lookup } from './expand';
