#!/usr/bin/env bash
# Load tests over loopback with wrk (see bench/README.md).
#   bench/run.sh sqlite            # SQLite in a fresh data directory
#   bench/run.sh postgres URL      # PostgreSQL at URL (the database is emptied first)
# Env: DOSSIERS (synthetic dossiers for the inbox runs, default 1000000), DURATION (default 15s).
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${1:-sqlite}
pg_url=${2:-}
dossiers=${DOSSIERS:-1000000}
duration=${DURATION:-15s}
bin=target/release/motcua
[[ -x $bin ]] || cargo build --release -p motcua
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)"; exit 1; }
# DATA=dir reuses a directory kept by an earlier run (KEEP=1) and measures only the inbox and
# lookups over what it holds.
reuse=${DATA:-}
data=${DATA:-$(mktemp -d /tmp/motcua-bench.XXXX)}
port=18181
base=http://127.0.0.1:$port
export MOTCUA_DEMO_DOSSIERS=0 MOTCUA_LOG__FILTER=warn
if [[ $engine == postgres ]]; then
  export MOTCUA_DATABASE_URL=$pg_url
  [[ -n $reuse ]] || psql "$pg_url" -qc "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
else
  unset MOTCUA_DATABASE_URL
fi
pid=
start() {
  $bin serve --addr 127.0.0.1:$port --data-dir "$data" >"$data/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do curl -sf $base/readyz >/dev/null && return; sleep 0.5; done
  echo "server did not start"; cat "$data/server.log"; exit 1
}
stop() { kill "$pid"; wait "$pid" || true; }
trap 'kill $pid 2>/dev/null || true' EXIT
token() {
  curl -sf -X POST $base/api/v1/auth/token -H 'content-type: application/json' \
    -H "x-forwarded-for: 10.9.$((RANDOM % 250)).$((RANDOM % 250))" \
    -d "{\"username\":\"$1\",\"password\":\"motcua-demo\",\"name\":\"bench\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
run() { # name, wrk args...
  local name=$1; shift
  printf '%-28s ' "$name"
  wrk --latency -t1 "$@" | tail -n 1
}
start
citizen=$(token citizen1)
if [[ -z $reuse ]]; then
file=$(curl -sf -X POST "$base/api/v1/files?name=to-khai.pdf" -H "authorization: Bearer $citizen" \
  -H 'content-type: application/pdf' --data-binary '%PDF-1.4 bench' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -sf $base/api/v1/procedures/1.001193 | python3 -c "
import json,sys
p=json.load(sys.stdin)
rows=[i for i,r in enumerate(p['documents'][0]) if r['kind']=='required']
print(json.dumps({'procedure':'1.001193','agency':'__AGENCY__','return_method':'online',
 'applicant':{'kind':'individual','name':'Nguyễn Văn An','citizen_id':'024090001234','phone':'0912345678',
              'email':None,'address':None,'tax_code':None},
 'components':[{'index':i,'files':['$file']} for i in rows]}))" >"$data/body.json"
curl -sf $base/api/v1/agencies | python3 -c "
import json,sys
def walk(nodes):
    for n in nodes:
        a=n.get('agency',n)
        if a.get('kind')=='commune_committee' and a.get('valid_to') is None: print(a['id'])
        walk(n.get('children',[]))
d=json.load(sys.stdin)
walk(d if isinstance(d,list) else d.get('items',d.get('agencies',[])))" >"$data/agencies.txt"
echo "== $engine, $(nproc) cores, $(date -u +%FT%TZ), $(wc -l <"$data/agencies.txt") communes"
run "hello world (/healthz)" -c64 -d"$duration" -s bench/wrk/get.lua $base/healthz
TOKEN=$citizen BODY=$data/body.json AGENCIES=$data/agencies.txt run "submit (c32)" -c32 -d"$duration" -s bench/wrk/submit.lua $base
curl -sf "$base/api/v1/me/dossiers" -H "authorization: Bearer $citizen" |
  python3 -c 'import json,sys; [print(i["code"]) for i in json.load(sys.stdin)["items"]]' >"$data/codes.txt"
CODES=$data/codes.txt run "public lookup (c64)" -c64 -d"$duration" -s bench/wrk/lookup.lua $base
stop
echo "-- writing $dossiers synthetic dossiers"
/usr/bin/time -f "   %e s, %M KiB" $bin synthetic --data-dir "$data" --dossiers "$dossiers"
start
fi
receiver=$(token receiver1); handler=$(token handler1); leader=$(token leader1)
control=$(token control1); desk=$(token receiver2)
for q in "receiver1 ward desk|$receiver|/api/v1/inbox" \
         "handler1 mine|$handler|/api/v1/inbox?mine=true" \
         "leader1 overdue|$leader|/api/v1/inbox?overdue=true" \
         "leader1 due within 8h|$leader|/api/v1/inbox?due_within_hours=8" \
         "receiver2 province desk|$desk|/api/v1/inbox?status=submitted" \
         "control1 province p3|$control|/api/v1/inbox?page=3"; do
  IFS='|' read -r name tok path <<<"$q"
  TOKEN=$tok run "inbox: $name" -c8 -d10s -s bench/wrk/get.lua "$base$path"
done
# An identity number of one synthetic applicant (the bench's own submissions all share one).
ident=$(curl -sf "$base/api/v1/inbox?status=returned&limit=1" -H "authorization: Bearer $receiver" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["code"])' |
  xargs -I{} curl -sf "$base/api/v1/dossiers/{}" -H "authorization: Bearer $receiver" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["dossier"]["applicant"]["citizen_id"])')
# The officials' queue pages: every tab's count plus one page of rows per request.
for q in "receiver1 queues (default tab)|$receiver|/mot-cua" \
         "receiver1 all, by name|$receiver|/mot-cua?hang=tat-ca&q=nguyen+van" \
         "receiver1 all, by ID number|$receiver|/mot-cua?hang=tat-ca&q=$ident" \
         "leader1 waiting approval|$leader|/mot-cua?hang=cho-phe-duyet" \
         "leader1 overdue|$leader|/mot-cua?hang=qua-han" \
         "leader1 returned, newest|$leader|/mot-cua?hang=da-tra&sap_xep=moi-nhat" \
         "receiver2 province desk|$desk|/mot-cua?hang=cho-tiep-nhan" \
         "control1 province, default|$control|/mot-cua" \
         "control1 province, due soon|$control|/mot-cua?hang=sap-den-han"; do
  IFS='|' read -r name tok path <<<"$q"
  TOKEN=$tok run "page: $name" -c4 -d${QUEUE_DURATION:-8s} -s bench/wrk/get.lua "$base$path"
done
[[ -n ${ONLY_QUEUES:-} ]] && { stop; exit 0; }
# The applicant's own list, page and API, with ~1,000 of the million dossiers theirs.
TOKEN=$citizen run "my dossiers page, 1M" -c8 -d10s -s bench/wrk/get.lua "$base/ho-so-cua-toi"
TOKEN=$citizen run "my dossiers API, 1M" -c8 -d10s -s bench/wrk/get.lua "$base/api/v1/me/dossiers"
CODES=$data/codes.txt run "public lookup, 1M (c64)" -c64 -d"$duration" -s bench/wrk/lookup.lua $base
[[ -n $reuse ]] || TOKEN=$citizen BODY=$data/body.json AGENCIES=$data/agencies.txt run "submit, 1M (c32)" -c32 -d"$duration" -s bench/wrk/submit.lua $base
stop
[[ $engine == sqlite ]] && du -sh "$data"
[[ -n ${KEEP:-} || -n $reuse ]] || rm -rf "$data"
