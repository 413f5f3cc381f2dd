// BuildKit's plain progress (`docker build --progress=plain`), rendered from the daemon's build
// events: `#N name`, status and timestamped output lines, `#N DONE 0.3s` / `#N CACHED`, a blank
// line between steps; and a failed build's summary with the Dockerfile lines it points at.
import type { BuildEvent } from '../builder/events';
import type { BuildError } from '../builder/events';

export class PlainProgress {
  private current = -1;
  private started = false;

  constructor(private readonly write: (text: string) => void) {}

  event(e: BuildEvent): void {
    if (!this.started) {
      this.started = true;
      this.write('#0 building with "default" instance using docker driver\n');
    }
    if (e.id === 0) {
      this.write(`\n${e.kind === 'status' ? e.text : ''}\n`);
      return;
    }
    if (e.kind === 'vertex') {
      this.write(`\n#${e.id} ${e.name}\n`);
      this.current = e.id;
      return;
    }
    if (e.id !== this.current) {
      this.current = e.id;
    }
    switch (e.kind) {
      case 'status': this.write(`#${e.id} ${e.text}\n`); break;
      case 'output': this.write(`#${e.id} ${e.seconds.toFixed(3)} ${e.line}\n`); break;
      case 'cached': this.write(`#${e.id} CACHED\n`); break;
      case 'done': this.write(`#${e.id} DONE ${e.seconds.toFixed(1)}s\n`); break;
      case 'error': this.write(`#${e.id} ERROR: ${e.message}\n`); break;
    }
  }
}

/** BuildKit's failure summary: the step's last output, the Dockerfile around the line, the error. */
export function buildFailure(error: BuildError, dockerfile: string, dockerfileName: string): string {
  let text = '';
  const step = error.step;
  if (step?.name) text += `------\n > ${step.name}:\n${step.tail.map((l) => `${l}\n`).join('')}------\n`;
  if (step?.range) {
    const lines = dockerfile.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const { startLine, endLine } = step.range;
    const first = Math.max(1, startLine - 4);
    const last = Math.min(lines.length, endLine + 1);
    const width = String(last).length;
    text += `${dockerfileName}:${startLine === endLine ? startLine : `${startLine}-${endLine}`}\n--------------------\n`;
    for (let n = first; n <= last; n++) {
      const marker = n >= startLine && n <= endLine ? '>>>' : '   ';
      text += ` ${String(n).padStart(width + 2)} | ${marker} ${lines[n - 1] ?? ''}\n`;
    }
    text += '--------------------\n';
  }
  return `${text}ERROR: ${error.message}\n`;
}
