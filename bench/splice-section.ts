// A bench that measures one part puts its section into BENCHMARKS.md without rerunning the rest:
// in place of its older section, else before the first of `before` that exists, else at the end.
import { readFileSync, writeFileSync } from 'node:fs';

/** `lines[0]` is the section's heading; the last line is empty (the section ends with a newline). */
export function spliceSection(file: string, lines: string[], before: string[]): void {
  const old = readFileSync(file, 'utf8');
  const body = lines.join('\n');
  const at = old.indexOf(lines[0]);
  let text: string;
  if (at >= 0) {
    const next = old.indexOf('\n## ', at);
    text = next < 0 ? old.slice(0, at) + body : `${old.slice(0, at)}${body}\n${old.slice(next + 1)}`;
  } else {
    const targets = before.map((h) => old.indexOf(h)).filter((i) => i >= 0);
    text = targets.length ? `${old.slice(0, targets[0])}${body}\n${old.slice(targets[0])}` : `${old.trimEnd()}\n\n${body}`;
  }
  writeFileSync(file, text);
}
