#!/usr/bin/env bash
# A throw-away one-node Slurm cluster on localhost, for the batch tests (Tests/ReportTests/SlurmBatchTests).
#
#   scripts/slurm-local.sh start DIR   installs slurm-wlm and munge if missing, starts munged, slurmctld and
#                                      slurmd with everything (config, sockets, state, logs) under DIR, on free
#                                      ports, and waits until the node is idle; prints SLURM_CONF=DIR/slurm.conf
#   scripts/slurm-local.sh stop DIR    stops the daemons that `start DIR` started (by their process ids)
#
# Nothing outside DIR is touched except the package installation: munged gets its own socket, key and pid
# file, so a system munged or another test cluster is not disturbed. Exit 3: cannot run here (reason on
# stderr: not root, no apt-get, packages cannot be installed); any other non-zero exit is a failure.
# Every wait is time-limited; the caller should also run this under `timeout`. Keep DIR short (e.g.
# /tmp/emvs-XXXX): slurmstepd puts Unix sockets in DIR/spool, whose paths must stay under 108 bytes.
set -euo pipefail

cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)

stop() {
  local pids=()
  for f in "$dir"/run/slurmd.pid "$dir"/run/slurmctld.pid "$dir"/run/munged.pid; do
    [ -s "$f" ] && pids+=("$(cat "$f")")
  done
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.2
  done
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  # slurmstepd children of the tasks, if any were left behind.
  [ -s "$dir/run/slurmd.pid" ] && rm -f "$dir/run/slurmd.pid"
  rm -f "$dir"/run/slurmctld.pid "$dir"/run/munged.pid
}

if [ "$cmd" = stop ]; then stop; exit 0; fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

if [ "$(id -u)" -ne 0 ]; then echo "slurm-local: needs root (slurmd runs jobs as root here)" >&2; exit 3; fi
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  command -v apt-get >/dev/null || { echo "slurm-local: slurm-wlm and munge are missing and there is no apt-get" >&2; exit 3; }
  timeout 600 "$here/apt-install.sh" slurm-wlm munge || { echo "slurm-local: cannot install slurm-wlm and munge" >&2; exit 3; }
fi

dir=$(mkdir -p "$dir" && cd "$dir" && pwd)
mkdir -p "$dir"/run "$dir"/munge "$dir"/state "$dir"/spool "$dir"/log
chmod 755 "$dir" "$dir"/run
chmod 700 "$dir"/munge
if [ ! -s "$dir/munge/munge.key" ]; then
  head -c 1024 /dev/urandom > "$dir/munge/munge.key"
fi
chmod 400 "$dir/munge/munge.key"
socket="$dir/munge/munge.socket"
munged --force --socket="$socket" --key-file="$dir/munge/munge.key" --pid-file="$dir/run/munged.pid" \
  --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed" </dev/null >/dev/null 2>&1
for _ in $(seq 1 50); do [ -S "$socket" ] && break; sleep 0.1; done
[ -S "$socket" ] || { echo "slurm-local: munged did not start (log: $dir/log/munged.log)" >&2; stop; exit 1; }

read -r ctld_port slurmd_port < <(python3 -c '
import socket
ports = []
socks = []
for _ in range(2):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); ports.append(s.getsockname()[1]); socks.append(s)
print(*ports)')

cpus=$(nproc)
cat > "$dir/slurm.conf" <<CONF
ClusterName=emvtest
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=localhost NodeHostname=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
# The daemons get no stdio of ours: a caller reading our output to the end must not wait for them.
slurmctld -f "$SLURM_CONF" </dev/null >/dev/null 2>&1 || { echo "slurm-local: slurmctld did not start (log: $dir/log/slurmctld.log)" >&2; stop; exit 1; }
slurmd -f "$SLURM_CONF" -N localhost </dev/null >/dev/null 2>&1 || { echo "slurm-local: slurmd did not start (log: $dir/log/slurmd.log)" >&2; stop; exit 1; }
for _ in $(seq 1 120); do
  state=$(timeout 5 sinfo -h -n localhost -o %T 2>/dev/null || true)
  [ "$state" = idle ] && { echo "SLURM_CONF=$SLURM_CONF"; exit 0; }
  sleep 0.5
done
echo "slurm-local: the node did not become idle within 60 s (state: ${state:-none}; logs in $dir/log)" >&2
stop
exit 1
