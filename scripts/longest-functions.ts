// The longest functions (in lines) under the folders given: node --import tsx scripts/longest-functions.ts src tools
import ts from 'typescript';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
const files: string[] = [];
const walk = (d: string) => {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) files.push(p);
  }
};
for (const d of process.argv.slice(2)) walk(d);
const rows: [number, string][] = [];
for (const file of files) {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node) => {
    if (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node)) {
      const start = src.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      const end = src.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
      const name = (node as any).name?.getText?.() ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText() : '(anonymous)');
      rows.push([end - start + 1, `${file}:${start}-${end} ${name}`]);
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
}
rows.sort((a, b) => b[0] - a[0]);
for (const [n, s] of rows.slice(0, 8)) console.log(n, s);
