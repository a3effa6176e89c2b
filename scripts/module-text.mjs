// Prints the minified text attributed to one source module: node scripts/module-text.mjs src/core/config.ts
import { readFileSync } from 'node:fs';
import { SourceMapConsumer } from 'source-map-js';
const code = readFileSync('dist/btc-checkout.js', 'utf8');
const map = new SourceMapConsumer(JSON.parse(readFileSync('dist/btc-checkout.js.map', 'utf8')));
const lines = code.split('\n');
const mappings = [];
map.eachMapping((m) => mappings.push(m));
mappings.sort((a, b) => a.generatedLine - b.generatedLine || a.generatedColumn - b.generatedColumn);
let out = '';
for (let i = 0; i < mappings.length; i++) {
  const m = mappings[i],
    next = mappings[i + 1];
  const line = lines[m.generatedLine - 1];
  const end = next && next.generatedLine === m.generatedLine ? next.generatedColumn : line.length;
  if ((m.source || '').endsWith(process.argv[2])) out += line.slice(m.generatedColumn, end);
}
console.log(out);
