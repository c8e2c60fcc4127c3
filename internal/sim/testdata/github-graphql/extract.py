# Extracts, from @octokit/graphql-schema's schema.json (GitHub's public GraphQL schema as an
# introspection result), the types the simulator's SDL (github_graphql_schema.go) declares, with
# their fields, arguments, interfaces and enum values, type references rendered as in SDL.
import json, re, sys
schema_json, sdl_go, dst = sys.argv[1], sys.argv[2], sys.argv[3]
types = json.load(open(schema_json))['__schema']['types']
src = open(sdl_go).read()
names = sorted(set(re.findall(r'^(?:type|interface|enum|input|scalar)\s+(\w+)', src, re.M)))
def ref(t):
    if t['kind'] == 'NON_NULL':
        return ref(t['ofType']) + '!'
    if t['kind'] == 'LIST':
        return '[' + ref(t['ofType']) + ']'
    return t['name']
out = {}
for t in types:
    if t['name'] not in names:
        continue
    o = {'kind': t['kind']}
    if t.get('fields'):
        o['fields'] = {f['name']: {'type': ref(f['type']), 'args': {a['name']: ref(a['type']) for a in f['args']}} for f in t['fields']}
    if t.get('inputFields'):
        o['inputFields'] = {f['name']: ref(f['type']) for f in t['inputFields']}
    if t.get('interfaces'):
        o['interfaces'] = sorted(i['name'] for i in t['interfaces'])
    if t.get('enumValues'):
        o['enumValues'] = sorted(v['name'] for v in t['enumValues'])
    out[t['name']] = o
missing = [n for n in names if n not in out]
json.dump({'source': '@octokit/graphql-schema schema.json', 'types': out}, open(dst, 'w'), indent=1, sort_keys=True)
print(len(out), 'types; not in GitHub:', missing)
