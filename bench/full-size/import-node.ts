// One streamed import in this Node process, for bench/full-size/import-bench.ts (which samples this
// process's memory from outside): prints one JSON line per stage as it starts, then the total.
// Usage: node --import tsx bench/full-size/import-node.ts CHECKPOINT VOCAB OUT DTYPE[,DTYPE…]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileSource } from '../../src/cli/file-source.ts';
import { folderSink } from '../../src/cli/folder-sink.ts';
import { importCheckpoint } from '../../src/lib/engine/kinds/vp-score/import/import-folder.ts';
import type { VpDtype } from '../../src/lib/engine/kinds/vp-score/manifest.ts';

const [checkpoint, vocab, out, dtypes] = process.argv.slice(2);
const t0 = performance.now();
let stage = '';
const source = fileSource(checkpoint);
await importCheckpoint(source, { text: readFileSync(vocab, 'utf8'), name: basename(vocab) }, folderSink(out), {
  dtypes: dtypes.split(',') as VpDtype[],
  onProgress: (p) => {
    const s = `${p.step} ${p.dtype}`;
    if (s === stage) return;
    stage = s;
    console.log(JSON.stringify({ stage: s, at: performance.now() - t0 }));
  },
});
source.close();
console.log(JSON.stringify({ stage: 'done', at: performance.now() - t0 }));
