import { Document, isMap, isScalar, isSeq, visit, type Scalar } from 'yaml';

const YAML11_NON_STRING =
  /^(?:~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|<<|=)$/;
// Control characters force quoting, as in go-yaml's emitter.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\n\t\u0000-\u001f\u007f]/;
const INDICATORS_FIRST = new Set('#,[]{}&*!|>\'"%@`');

/** plainAllowed mirrors go-yaml's emitter analysis of whether a scalar may stay unquoted. */
function plainAllowed(s: string, flow: boolean): boolean {
  if (s === '' || /^\s|\s$/.test(s) || s.startsWith('---') || s.startsWith('...')) return false;
  if (CONTROL.test(s)) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const followedBySpace = i + 1 >= s.length || /\s/.test(s[i + 1]);
    const precededBySpace = i > 0 && /\s/.test(s[i - 1]);
    if (i === 0) {
      if (INDICATORS_FIRST.has(c)) return false;
      if ((c === '?' || c === ':') && (flow || followedBySpace)) return false;
      if (c === '-' && followedBySpace) return false;
    } else {
      if (',?[]{}'.includes(c) && flow) return false;
      if (c === ':' && (flow || followedBySpace)) return false;
      if (c === '#' && precededBySpace) return false;
    }
  }
  return true;
}

/**
 * goYamlStringify renders a value like Go's gopkg.in/yaml.v2 (which Alertmanager uses for
 * config.original): unindented block sequences, double quotes for strings YAML 1.1 would
 * read as another type, single quotes where a plain scalar is not allowed, and flow style
 * for the keys listed in `flowKeys`.
 */
export function goYamlStringify(value: unknown, flowKeys: string[] = []): string {
  const doc = new Document(value);
  visit(doc, {
    Pair(_key, pair) {
      if (isScalar(pair.key) && flowKeys.includes(String(pair.key.value)) && isSeq(pair.value)) pair.value.flow = true;
    },
  });
  visit(doc, {
    Scalar(_key, node: Scalar, path) {
      if (typeof node.value !== 'string') return;
      const parent = path[path.length - 1];
      const flow = (isSeq(parent) || isMap(parent)) && Boolean(parent.flow);
      const s = node.value;
      if (YAML11_NON_STRING.test(s)) node.type = 'QUOTE_DOUBLE';
      else if (!plainAllowed(s, flow)) node.type = CONTROL.test(s) ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
      else node.type = 'PLAIN';
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 0, flowCollectionPadding: false });
}
