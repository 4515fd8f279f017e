import { TemplateSet, templateData, TemplateSyntaxError, TemplateExecError } from './index';
import type { Alert } from '../types/alert';

/**
 * Unit cases for the Go text/template engine. Expected strings follow Go's documented
 * semantics; the Alertmanager differential test (notify/testing) re-checks the tricky ones
 * against the real binary.
 */
const now = new Date('2026-11-25T22:00:00Z');
const alert = (labels: Record<string, string>, resolved = false, annotations: Record<string, string> = {}): Alert => ({
  labels,
  annotations,
  startsAt: new Date('2026-11-25T21:30:00.25Z'),
  endsAt: resolved ? new Date('2026-11-25T21:45:00Z') : new Date('2026-11-25T23:00:00Z'),
  generatorURL: 'http://prom/graph',
  updatedAt: now,
  fingerprint: 'fp',
});
const data = templateData({
  receiver: 'team.a',
  groupLabels: { alertname: 'Warm' },
  externalURL: 'http://am:9093',
  now,
  alerts: [
    alert({ alertname: 'Warm', site: 's1', zone: 'z' }, false, { summary: 'hot' }),
    alert({ alertname: 'Warm', site: 's2', zone: 'z' }, true, { summary: 'hot' }),
  ],
});
const set = TemplateSet.withDefaults();
const render = (text: string, dot: unknown = data) => set.compile(text, 'test').render(dot);

describe('rendering', () => {
  test.each([
    ['field access', '{{ .Status }} {{ .ExternalURL }}', 'firing http://am:9093'],
    ['receiver is regexp-quoted as in Alertmanager', '{{ .Receiver }}', 'team\\.a'],
    ['missing KV key is empty (missingkey=zero)', '[{{ .CommonLabels.nope }}]', '[]'],
    ['methods win over map keys', '{{ .CommonLabels.Names }}', '[alertname zone]'],
    ['KV prints as a Go map', '{{ .GroupLabels }}', 'map[alertname:Warm]'],
    ['SortedPairs puts alertname first', '{{ range .Alerts }}{{ range .Labels.SortedPairs }}{{ .Name }},{{ end }};{{ end }}', 'alertname,site,zone,;alertname,site,zone,;'],
    ['Remove then Values', '{{ (.CommonLabels.Remove .GroupLabels.Names).Values }}', '[z]'],
    ['Firing / Resolved', '{{ len .Alerts.Firing }}/{{ len .Alerts.Resolved }}', '1/1'],
    ['firing EndsAt is the zero time', '{{ (index .Alerts 0).EndsAt }}', '0001-01-01 00:00:00 +0000 UTC'],
    ['time String()', '{{ (index .Alerts 0).StartsAt }}', '2026-11-25 21:30:00.25 +0000 UTC'],
    ['time Format', '{{ (index .Alerts 1).EndsAt.Format "Jan 2 15:04:05 2006 MST" }}', 'Nov 25 21:45:00 2026 UTC'],
    ['maps range in sorted key order', '{{ range $k, $v := .CommonLabels }}{{ $k }}={{ $v }} {{ end }}', 'alertname=Warm zone=z '],
    ['range else', '{{ range (stringSlice) }}x{{ else }}empty{{ end }}', 'empty'],
    ['if / else if / else', '{{ if eq .Status "x" }}a{{ else if eq .Status "firing" }}b{{ else }}c{{ end }}', 'b'],
    ['with binds dot', '{{ with .CommonAnnotations.summary }}[{{ . }}]{{ end }}', '[hot]'],
    ['with else on empty', '{{ with .CommonLabels.nope }}x{{ else }}none{{ end }}', 'none'],
    ['variables and assignment', '{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}', '2'],
    ['range index and element', '{{ range $i, $a := .Alerts }}{{ $i }}:{{ $a.Labels.site }} {{ end }}', '0:s1 1:s2 '],
    ['$ is the root in range', '{{ range .Alerts }}{{ $.Status }}{{ end }}', 'firingfiring'],
    ['define / template with pipeline', '{{ define "t" }}<{{ . }}>{{ end }}{{ template "t" .Status }}', '<firing>'],
    ['block defines and runs', '{{ block "b" .Status }}[{{ . }}]{{ end }}', '[firing]'],
    ['pipelines pass the last argument', '{{ .Status | printf "%s!" | toUpper }}', 'FIRING!'],
    ['whitespace trimming', 'a  {{- "b" -}}  c', 'abc'],
    ['comments print nothing', 'a{{/* hidden */}}b{{- /* trimmed */ -}} c', 'abc'],
    ['and/or return operands', '{{ and 1 0 }}|{{ or 0 "x" }}|{{ or 0 "" }}', '0|x|'],
    ['not and truthiness of collections', '{{ not .Alerts }} {{ not .CommonLabels.nope }}', 'false true'],
    ['len counts UTF-8 bytes', '{{ len "é" }}', '2'],
    ['index on slices and maps', '{{ index .Alerts 1 | printf "%T" }} {{ index .CommonLabels "zone" }}', 'template.Alert z'],
    ['comparisons', '{{ lt 1 2 }} {{ ge "b" "a" }} {{ eq 1 2 3 1 }} {{ ne "a" "a" }}', 'true true true false'],
    ['float printing as Go %v', '{{ 1.5 }} {{ 1e6 }} {{ 3.0 }} {{ 0.00001 }}', '1.5 1e+06 3 1e-05'],
    ['printf rounds the exact value half to even, as Go', '{{ printf "%.1f %.0f %.2f %.1f %.3g %e" 2.25 2.5 0.125 2.35 123456.0 1.0 }}', '2.2 2 0.12 2.4 1.23e+05 1.000000e+00'],
    ['print spacing', '{{ print 1 2 "a" 3 }}', '1 2a3'],
    ['printf verbs and errors', '{{ printf "%03d|%-3s|%q|%d" 7 "a" "b" "x" }}', '007|a  |"b"|%!d(string=x)'],
    ['html, js, urlquery', '{{ html "<&>" }} {{ js "a\'b" }} {{ urlquery "a b/c" }}', "&lt;&amp;&gt; a\\'b a+b%2Fc"],
    ['nil prints <no value>', '{{ define "t" }}{{ . }}{{ end }}{{ template "t" }}', '<no value>'],
    ['safeHtml is a string to printf and len', '{{ printf "%s|%q" (safeHtml "<b>") (safeHtml "x") }} {{ len (safeHtml "ab") }} {{ eq (safeHtml "a") "a" }}', '<b>|"x" 2 true'],
    ['join and stringSlice', '{{ stringSlice "a" "b" | join "-" }}', 'a-b'],
    ['title, toUpper, toLower as Go', '{{ title "hello wORLD 1st" }} {{ toUpper "ß" }} {{ toLower "ÀB" }}', 'Hello World 1St ß àb'],
    ['match is unanchored', '{{ match "arm" "Warm" }} {{ match "^arm" "Warm" }}', 'true false'],
    ['reReplaceAll expands Go groups', '{{ reReplaceAll "(\\\\w)(\\\\d)" "$2$1" "a1 b2" }} {{ reReplaceAll "(a)" "$1x" "a" }}', '1a 2b '],
    ['reReplaceAll skips empty matches after a match', '{{ reReplaceAll "a*" "-" "baaac" }}', '-b-c-'],
    ['break and continue', '{{ range $i, $e := stringSlice "a" "b" "c" }}{{ if eq $e "b" }}{{ continue }}{{ end }}{{ if eq $e "c" }}{{ break }}{{ end }}{{ $e }}{{ end }}', 'a'],
    ['parenthesised pipeline field chain', '{{ (index .Alerts 0).Labels.site }}', 's1'],
  ])('%s', (_name, text, expected) => {
    expect(render(text)).toBe(expected);
  });

  test('later definitions replace earlier ones, empty ones do not', () => {
    const s = TemplateSet.withDefaults().addSource('a.tmpl', '{{ define "__alertmanager" }}FreshTrack{{ end }}').addSource('b.tmpl', '{{ define "__alertmanager" }} {{ end }}');
    expect(s.compile('{{ template "slack.default.username" . }}', 'f').render(data)).toBe('FreshTrack');
  });

  test('default templates render Alertmanager subjects', () => {
    expect(render('{{ template "__subject" . }}')).toBe('[FIRING:1] Warm (z)');
    expect(render('{{ template "slack.default.titlelink" . }}')).toBe('http://am:9093/#/alerts?receiver=team%5C.a');
  });

  test('html mode escapes values but not safeHtml or template text', () => {
    const t = set.compile('<b>{{ "<i>" }}{{ safeHtml "<u>" }}</b><!-- c -->', 'h', { html: true });
    expect(t.render(data)).toBe('<b>&lt;i&gt;<u></b>');
  });

  test('html mode follows html/template contexts for text and URL attributes', () => {
    const h = (text: string) => set.compile(text, 'h', { html: true }).render(data);
    expect(h('{{ "1+1 <b>" }}')).toBe('1&#43;1 &lt;b&gt;');
    expect(h('{{ html "<b>" }}')).toBe('&lt;b&gt;');
    expect(h('<a href="{{ "javascript:alert(1)" }}">')).toBe('<a href="#ZgotmplZ">');
    expect(h('<a href="{{ "http://x/a b?q=\\"1\\"&r=2" }}">')).toBe('<a href="http://x/a%20b?q=%221%22&amp;r=2">');
    expect(h('<a href="http://x/?q={{ "a b&c" }}">')).toBe('<a href="http://x/?q=a%20b%26c">');
    expect(h('<a href="http://x/?q={{ "a b" | urlquery }}">')).toBe('<a href="http://x/?q=a&#43;b">');
  });

  test('an empty template renders as empty without parsing', () => {
    expect(set.compile('', 'f').render(data)).toBe('');
  });
});

describe('rejected at load time, naming the template and position', () => {
  test.each([
    ['{{ .Status ', 'unclosed action'],
    ['{{ if .Status }}x', 'unexpected EOF'],
    ['{{ end }}', 'unexpected {{end}}'],
    ['{{ nosuch .Status }}', 'function "nosuch" not defined'],
    ['{{ date "2006" .StartsAt }}', 'function "date" not defined'],
    ['{{ $y }}', 'undefined variable "$y"'],
    ['{{ join "," }}', 'wrong number of args for join: want 2 got 1'],
    ['{{ toUpper "a" "b" }}', 'wrong number of args for toUpper'],
    ['{{ reReplaceAll "(" "" .Status }}', 'reReplaceAll: error parsing regexp'],
    ["{{ 'a' }}", 'character constant'],
    ['{{ 1i }}', 'complex number'],
    ['{{ with .A }}{{ else with .B }}{{ end }}', 'else with'],
    ['{{ template "nope" . }}', 'no such template "nope"'],
    ['{{ break }}', 'outside {{range}}'],
    ['{{ "a" | "b" }}', 'non executable command in pipeline stage 2'],
    ['{{ if .A }}{{ define "x" }}{{ end }}{{ end }}', 'define clause is only allowed at the top level'],
    ['{{ .Recevier }}', "can't evaluate field Recevier in type *template.Data"],
    ['{{ range .Alerts.Firing }}{{ .Labels.x }}{{ .Annotation }}{{ end }}', "can't evaluate field Annotation in type template.Alert"],
    ['{{ .Alerts.Firing.Resolved }}', "can't evaluate field Resolved in type []template.Alert"],
    ['{{ range .Status }}{{ end }}', "range can't iterate over a value of type string"],
    ['{{ .CommonLabels.Remove }}', 'wrong number of args for Remove: want 1 got 0'],
    ['{{ range .Alerts }}{{ .StartsAt.Month }}{{ end }}', 'time.Time method Month is not supported by this router'],
    ['{{ with .CommonLabels.SortedPairs }}{{ range . }}{{ .Key }}{{ end }}{{ end }}', "can't evaluate field Key in type template.Pair"],
    ['{{ define "mine" }}{{ .Nme }}{{ end }}{{ range .Alerts }}{{ template "mine" .Labels.SortedPairs }}{{ end }}', "can't evaluate field Nme in type template.Pairs"],
  ])('%s', (text, reason) => {
    const err = (() => {
      try {
        set.compile(text, 'receivers[0].slack_configs[0].title');
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(TemplateSyntaxError);
    expect((err as Error).message).toContain(reason);
    // Errors inside a define name that template, as Go does.
    expect((err as Error).message).toMatch(/^template: (receivers\[0\]\.slack_configs\[0\]\.title|mine):\d+:\d+: /);
  });

  test('a template file with a syntax error names the file and line', () => {
    expect(() => TemplateSet.withDefaults().addSource('mine.tmpl', '{{ define "x" }}\n{{ if }}{{ end }}{{ end }}')).toThrow(/^template: mine\.tmpl:2:\d+: missing value for if/);
  });

  test('the type checker accepts what works: label keys, templates called with other dots, unknown types', () => {
    const ok = [
      '{{ .CommonLabels.any_label }}{{ range .Alerts.Firing }}{{ .Labels.whatever }}{{ end }}',
      '{{ template "__text_alert_list" .Alerts.Firing }}{{ template "email.default.html" . }}',
      '{{ $a := index .Alerts 0 }}{{ $a.Anything }}',
      '{{ range $k, $v := .GroupLabels }}{{ $k }}{{ $v }}{{ end }}{{ $x := 1 }}{{ $x = .Alerts }}{{ range $x }}{{ end }}',
    ];
    for (const text of ok) expect(() => set.compile(text, 'f')).not.toThrow();
  });

  test('a missing template reached through a define is caught when a field uses it', () => {
    const s = TemplateSet.withDefaults().addSource('m.tmpl', '{{ define "outer" }}{{ template "inner" . }}{{ end }}');
    expect(() => s.compile('{{ template "outer" . }}', 'f')).toThrow(/no such template "inner"/);
  });
});

describe('execution errors stay Go errors', () => {
  test('an unknown field the type checker cannot see fails rendering with the field name', () => {
    expect(() => render('{{ (index .Alerts 0).Nope }}')).toThrow(TemplateExecError);
    expect(() => render('{{ (index .Alerts 0).Nope }}')).toThrow("can't evaluate field Nope in type template.Alert");
  });

  test('comparing different kinds fails as in Go', () => {
    expect(() => render('{{ eq 1 "1" }}')).toThrow('incompatible types for comparison');
  });

  test('unbounded template recursion stops with an error instead of exhausting the stack', () => {
    const s = TemplateSet.withDefaults().addSource('r.tmpl', '{{ define "loop" }}x{{ template "loop" . }}{{ end }}');
    expect(() => s.compile('{{ template "loop" . }}', 'f').render(data)).toThrow('exceeded maximum template depth (1000)');
  });

  test('index out of range fails', () => {
    expect(() => render('{{ index .Alerts 5 }}')).toThrow('index out of range: 5');
  });
});
