// Scripted demos are data: web/src/demos/NAME.yaml, a title and steps, each one of
//   say: narration shown beside the terminal
//   run: a command typed into the terminal (the demo waits for it to finish)
//   pause: milliseconds to wait
import { parse as parseYaml } from 'yaml';

export type DemoStep = { say: string } | { run: string } | { pause: number };

export interface Demo {
  title: string;
  steps: DemoStep[];
}

export class DemoFormatError extends Error {}

export function parseDemo(name: string, source: string): Demo {
  const data = parseYaml(source) as { title?: unknown; steps?: unknown } | null;
  if (!data || !Array.isArray(data.steps) || !data.steps.length) throw new DemoFormatError(`${name}: a demo needs a list of steps`);
  const steps = data.steps.map((item: unknown, i): DemoStep => {
    const keys = item && typeof item === 'object' ? Object.keys(item) : [];
    const step = item as Record<string, unknown>;
    if (keys.length === 1 && typeof step.say === 'string' && step.say.trim()) return { say: step.say };
    // (a block scalar's final newline would be one Enter too many)
    if (keys.length === 1 && typeof step.run === 'string' && step.run.trim()) return { run: step.run.replace(/\s+$/, '') };
    if (keys.length === 1 && typeof step.pause === 'number' && step.pause >= 0) return { pause: step.pause };
    throw new DemoFormatError(`${name}, step ${i + 1}: each step is one of say: text, run: command, pause: milliseconds`);
  });
  return { title: typeof data.title === 'string' ? data.title : name, steps };
}
