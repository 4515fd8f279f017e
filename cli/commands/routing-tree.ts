import type { Route } from '../../alerting/src/dispatch/route';
import { matchersString, matchesAll } from '../../alerting/src/matcher/matcher';

interface TreeNode {
  label: string;
  children: TreeNode[];
}

/**
 * matchingNode mirrors amtool's getMatchingTree: a route is labelled by its matchers
 * ("default-route" when it has none); its matching children follow, up to the first one
 * without `continue`; a route where the walk ends carries its receiver.
 */
function matchingNode(route: Route, labels: Record<string, string>): TreeNode {
  const node: TreeNode = { label: route.matchers.length ? matchersString(route.matchers) : 'default-route', children: [] };
  for (const child of route.routes) {
    if (!matchesAll(child.matchers, labels)) continue;
    node.children.push(matchingNode(child, labels));
    if (!child.continue) break;
  }
  if (node.children.length === 0) node.label += `  receiver: ${route.opts.receiver}`;
  return node;
}

// xlab/treeprint's edges, as amtool prints them (the link is followed by two no-break spaces).
const MID = '├── ';
const END = '└── ';
const LINK = '│\u00a0\u00a0 ';
const GAP = '    ';

function render(node: TreeNode, prefix: string, last: boolean, lines: string[]): void {
  lines.push(`${prefix}${last ? END : MID}${node.label}`);
  node.children.forEach((child, i) => render(child, prefix + (last ? GAP : LINK), i === node.children.length - 1, lines));
}

/** matchingTree renders the routes an alert with `labels` matches as `amtool config routes test --tree` does. */
export function matchingTree(root: Route, labels: Record<string, string>): string {
  const lines = ['.'];
  render(matchingNode(root, labels), '', true, lines);
  return `${lines.join('\n')}\n`;
}
