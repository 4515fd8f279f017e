/**
 * Parse-tree nodes of a Go text/template, shaped like Go's text/template/parse so the executor
 * can follow Go's evaluation rules node by node. `line` locates errors in the source.
 */
export type Node =
  | TextNode | ActionNode | IfNode | RangeNode | WithNode | TemplateNode | BreakNode | ContinueNode;

export interface ListNode {
  nodes: Node[];
}

export interface TextNode { kind: 'text'; text: string; line: number }
export interface ActionNode { kind: 'action'; pipe: PipeNode; line: number }
export interface BranchFields { pipe: PipeNode; list: ListNode; elseList?: ListNode; line: number }
export interface IfNode extends BranchFields { kind: 'if' }
export interface RangeNode extends BranchFields { kind: 'range' }
export interface WithNode extends BranchFields { kind: 'with' }
export interface TemplateNode { kind: 'template'; name: string; pipe?: PipeNode; line: number }
export interface BreakNode { kind: 'break'; line: number }
export interface ContinueNode { kind: 'continue'; line: number }

/** PipeNode is `[decl :=] cmd | cmd …`; `isAssign` distinguishes `=` from `:=`. */
export interface PipeNode {
  kind: 'pipe';
  decl: string[];
  isAssign: boolean;
  cmds: CommandNode[];
  line: number;
}

export interface CommandNode {
  args: ArgNode[];
  line: number;
}

export type ArgNode =
  | { kind: 'field'; idents: string[] }
  | { kind: 'variable'; name: string; idents: string[] }
  | { kind: 'chain'; node: ArgNode; idents: string[] }
  | { kind: 'identifier'; name: string }
  | { kind: 'dot' }
  | { kind: 'nil' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'number'; text: string; value: number; isFloat: boolean }
  | { kind: 'string'; value: string }
  | PipeNode;
