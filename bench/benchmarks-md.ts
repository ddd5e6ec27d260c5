import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const file = join(resolve(import.meta.dirname, '..'), 'BENCHMARKS.md');

/**
 * Put a benchmark's section (starting with its `## heading` line) into BENCHMARKS.md: replace the
 * section with that heading, or append it, leaving every other benchmark's section alone.
 */
export function writeBenchmarkSection(section: string): void {
  const heading = section.split('\n', 1)[0]!;
  if (!heading.startsWith('## ')) throw new Error(`A BENCHMARKS.md section must start with a "## " heading, not "${heading}"`);
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = text.indexOf(`${heading}\n`);
  if (start < 0) text = `${text.trimEnd()}\n\n${section}`;
  else {
    const next = text.indexOf('\n## ', start + 1);
    text = text.slice(0, start) + section.trimEnd() + '\n' + (next < 0 ? '' : text.slice(next));
  }
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}
