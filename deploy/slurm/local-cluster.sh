#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for testing the Microscope's job array for real (Debian 12: slurm-wlm, munge).
# Run as root.   local-cluster.sh start <dir>   writes <dir>/slurm.conf, starts munged (if needed), slurmctld and slurmd,
#                                               and waits until the node takes jobs; export SLURM_CONF=<dir>/slurm.conf to use it.
#                local-cluster.sh stop <dir>    stops the daemons it started (by their pid files).
set -euo pipefail
action=${1:?start or stop}
dir=$(realpath -m "${2:?a folder for the configuration and state of the cluster}")
host=$(hostname -s)

case "$action" in
start)
  mkdir -p "$dir/state" "$dir/spool" "$dir/log"
  cat > "$dir/slurm.conf" <<CONF
ClusterName=interp-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  # munge: a 1024-byte key owned by munge, the daemon run as munge (started once per machine).
  if ! pgrep -x munged >/dev/null; then
    [ -s /etc/munge/munge.key ] || { dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none; }
    chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
    mkdir -p /run/munge /var/log/munge /var/lib/munge && chown munge:munge /run/munge /var/log/munge /var/lib/munge
    runuser -u munge -- /usr/sbin/munged
    touch "$dir/started-munged"
  fi
  export SLURM_CONF="$dir/slurm.conf"
  /usr/sbin/slurmctld -f "$dir/slurm.conf"
  /usr/sbin/slurmd -f "$dir/slurm.conf"
  # Their pids, found by this cluster's configuration file (Debian's daemons did not write SlurmctldPidFile here).
  sleep 1
  pgrep -f "^/usr/sbin/slurmctld -f $dir/slurm.conf" > "$dir/slurmctld.pid"
  pgrep -f "^/usr/sbin/slurmd -f $dir/slurm.conf" > "$dir/slurmd.pid"
  for _ in $(seq 1 60); do
    if sinfo -h -o '%t' 2>/dev/null | grep -Eq '^(idle|mix|alloc)'; then echo "slurm: node $host is up ($dir/slurm.conf)"; exit 0; fi
    sleep 1
  done
  echo "slurm: the node did not come up within 60 s; logs in $dir/log" >&2
  exit 1
  ;;
stop)
  for daemon in slurmd slurmctld; do
    if [ -f "$dir/$daemon.pid" ]; then
      for pid in $(cat "$dir/$daemon.pid"); do kill "$pid" 2>/dev/null || true; done
      for pid in $(cat "$dir/$daemon.pid"); do
        for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      done
      rm -f "$dir/$daemon.pid"
    fi
  done
  if [ -f "$dir/started-munged" ]; then pkill -x munged || true; rm -f "$dir/started-munged"; fi
  ;;
*) echo "usage: $0 start|stop <dir>" >&2; exit 2 ;;
esac
