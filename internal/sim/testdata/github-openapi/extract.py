# Extracts the response schemas the simulator serves from @octokit/openapi's api.github.com.json.
import json, sys
src, dst = sys.argv[1], sys.argv[2]
d = json.load(open(src))
S = d['components']['schemas']
ops = [
    '/user/repos', '/orgs/{org}/repos', '/repos/{owner}/{repo}',
    '/repos/{owner}/{repo}/pulls', '/repos/{owner}/{repo}/pulls/{pull_number}',
    '/repos/{owner}/{repo}/tags', '/repos/{owner}/{repo}/commits/{ref}',
    '/repos/{owner}/{repo}/git/tags/{tag_sha}', '/repos/{owner}/{repo}/git/ref/{ref}',
    '/repos/{owner}/{repo}/git/matching-refs/{ref}', '/repos/{owner}/{repo}/releases',
    '/rate_limit',
]
paths = {}
for p in ops:
    r = d['paths'][p]['get']['responses']['200']
    paths[p] = {'get': {'operationId': d['paths'][p]['get']['operationId'],
                        'responses': {'200': {'content': {'application/json': {'schema': r['content']['application/json']['schema']}}}}}}
want = ['basic-error']
def refs(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == '$ref' and v.startswith('#/components/schemas/'):
                yield v.split('/')[-1]
            else:
                yield from refs(v)
    elif isinstance(o, list):
        for v in o:
            yield from refs(v)
stack = want + list(refs(paths))
seen = set()
while stack:
    n = stack.pop()
    if n in seen:
        continue
    seen.add(n)
    stack.extend(refs(S[n]))
out = {'openapi': d['openapi'], 'info': {'title': d['info']['title'], 'version': d['info']['version'], 'license': d['info'].get('license')},
       'paths': paths, 'components': {'schemas': {n: S[n] for n in sorted(seen)}}}
json.dump(out, open(dst, 'w'), indent=1, sort_keys=True)
print(len(seen), 'schemas')
